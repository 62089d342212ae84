"""Decode a JSON page body and keep the text of each record as received.

The loader lands each record's JSON text; re-serialising every decoded record in Python
costs as much as decoding it (bench/landing). :func:`split_page` decodes a body like
``json.loads`` does (same C scanner, same values) and also returns, for the list under
``data_key``, the exact slice of the body each element came from.

:func:`split_page_bytes` does the same on the UTF-8 bytes of a body with msgspec (a C
decoder that hands out each element's raw bytes: bench/extract, about 4× the stdlib
scanner); where msgspec refuses what ``json.loads`` accepts (``NaN``, ``1e400``, a lone
surrogate, an integer of thousands of digits, a body that is not an object) it answers
``None`` and the caller takes :func:`split_page`.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
from typing import Any

import msgspec

_FIELDS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_VALUE = msgspec.json.Decoder()
_LISTS: dict[type, msgspec.json.Decoder] = {}  # record_type -> decoder of a list of them


def split_page_bytes(
    content: bytes, data_key: str, record_type: type | None = None
) -> tuple[Any, list[bytes] | None] | None:
    """``(body, texts)`` as :func:`split_page` gives them for ``content.decode("utf-8")``,
    with ``texts[i]`` the UTF-8 bytes of ``body[data_key][i]`` as received; ``None`` when
    the body is not an object msgspec decodes as ``json.loads`` would (take
    :func:`split_page` then, which also raises as ``json.loads`` on invalid JSON).

    With ``record_type`` (a ``msgspec.Struct`` of the fields a consumer reads), the records
    under ``data_key`` are decoded as that type, the other fields skipped — about 4× less
    work than a dict each; ``None`` also when one of them is not an object.
    """
    try:
        fields = _FIELDS.decode(content)
        raw = fields.get(data_key)
        body = {
            key: _VALUE.decode(value)
            for key, value in fields.items()
            if record_type is None or key != data_key
        }
        if raw is None:
            return body, None
        if record_type is not None:
            decoder = _LISTS.get(record_type)
            if decoder is None:
                decoder = _LISTS[record_type] = msgspec.json.Decoder(list[record_type])
            body[data_key] = decoder.decode(raw)
        elif not isinstance(body[data_key], list):
            return body, None
        return body, [bytes(item) for item in _ITEMS.decode(raw)]
    except (msgspec.MsgspecError, UnicodeDecodeError):
        return None


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
