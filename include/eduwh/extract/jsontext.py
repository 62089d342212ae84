"""Decode a JSON page body and keep the text of each record as received.

The loader lands each record's JSON text; re-serialising every decoded record in Python
costs as much as decoding it (bench/landing). :func:`split_page` decodes a body like
``json.loads`` does (same C scanner, same values) and also returns, for the list under
``data_key``, the exact slice of the body each element came from.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from typing import Any

_DECODER = json.JSONDecoder()
_SCAN = json.scanner.make_scanner(_DECODER)
_SCANSTRING = json.decoder.scanstring
_WS = json.decoder.WHITESPACE.match
_BLANK = " \t\n\r"


def split_page(text: str, data_key: str) -> tuple[Any, list[str] | None]:
    """``(body, texts)``: ``body`` as ``json.loads(text)``; ``texts[i]`` the JSON text of
    ``body[data_key][i]``, or ``texts`` ``None`` when the body is not an object holding a
    list under ``data_key``. Invalid JSON raises ``json.JSONDecodeError`` as ``json.loads``.
    """
    try:
        return _split(text, data_key)
    except (ValueError, IndexError, StopIteration):  # not the expected shape: plain decode
        pass
    return json.loads(text), None


def _split(text: str, data_key: str) -> tuple[Any, list[str] | None]:
    scan, ws = _SCAN, _WS
    idx = ws(text, 0).end()
    if text[idx] != "{":
        raise ValueError("not an object")
    body: dict[str, Any] = {}
    texts: list[str] | None = None
    idx = ws(text, idx + 1).end()
    if text[idx] == "}":
        idx += 1
    else:
        while True:
            if text[idx] != '"':
                raise ValueError("key expected")
            key, idx = _SCANSTRING(text, idx + 1)
            idx = ws(text, idx).end()
            if text[idx] != ":":
                raise ValueError("colon expected")
            idx = ws(text, idx + 1).end()
            if key == data_key and text[idx] == "[":
                value, texts, idx = _split_array(text, idx)
            else:
                value, idx = scan(text, idx)
                if key == data_key:
                    texts = None
            body[key] = value
            idx = ws(text, idx).end()
            if text[idx] == ",":
                idx = ws(text, idx + 1).end()
                continue
            if text[idx] == "}":
                idx += 1
                break
            raise ValueError("comma or end of object expected")
    if ws(text, idx).end() != len(text):
        raise ValueError("extra data")
    return body, texts


def _split_array(text: str, idx: int) -> tuple[list[Any], list[str], int]:
    scan, ws = _SCAN, _WS
    values: list[Any] = []
    texts: list[str] = []
    append_value, append_text = values.append, texts.append
    idx = ws(text, idx + 1).end()
    if text[idx] == "]":
        return values, texts, idx + 1
    while True:
        value, end = scan(text, idx)
        append_value(value)
        append_text(text[idx:end])
        mark = text[end]
        if mark in _BLANK:
            end = ws(text, end).end()
            mark = text[end]
        if mark == ",":
            idx = end + 1
            if text[idx] in _BLANK:
                idx = ws(text, idx).end()
            continue
        if mark == "]":
            return values, texts, end + 1
        raise ValueError("comma or end of array expected")
