"""COPY rows into a raw landing table with psycopg 3 (``cursor.copy()``).

A :class:`RawCopy` is one COPY statement; the caller owns the transaction. Records are
written as their JSON text (the server parses it into jsonb), in the order given.

Speed (bench/landing): the columns that are the same for the whole batch (batch id,
window) are formatted once; each row is one line of COPY text built with string
operations only, and lines are sent in chunks — no per-value adaptation by the driver.
A record given as JSON text already made is sent as is (escaped for COPY); given as its
UTF-8 bytes (a page body's slice, eduwh.extract.jsontext) it is sent as bytes, not decoded
(the connection's encoding being UTF-8).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

RAW_COLUMNS = ("batch_id", "record_no", "record", "window_start", "window_end")

# One encoder for every record: json.dumps with non-default options builds a new
# JSONEncoder on each call, a third of the cost of a small record.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

CHUNK_ROWS = 2000  # lines joined before each write to the COPY stream


def record_json(record: Any) -> str:
    return _ENCODE(record)


def copy_text(text: str) -> str:
    """``text`` escaped for COPY's text format (backslash, tab, newline, carriage return)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    if "\x00" in text:  # PostgreSQL text cannot hold NUL: refused by the server, clearly
        raise ValueError("a record's JSON text contains a NUL character")
    return text


def copy_bytes(text: bytes) -> bytes:
    """:func:`copy_text` of UTF-8 bytes (the escaped bytes are ASCII: the same bytes)."""
    if b"\\" in text:
        text = text.replace(b"\\", b"\\\\")
    if b"\t" in text:
        text = text.replace(b"\t", b"\\t")
    if b"\n" in text:
        text = text.replace(b"\n", b"\\n")
    if b"\r" in text:
        text = text.replace(b"\r", b"\\r")
    if b"\x00" in text:
        raise ValueError("a record's JSON text contains a NUL character")
    return text


def _copy_value(value: Any) -> str:
    """A column that is the same for every row of a batch, in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return copy_text(str(value))


class RawCopy:
    def __init__(
        self,
        conn: psycopg.Connection,
        table: str,
        batch_id: int,
        window_start: datetime | None,
        window_end: datetime | None,
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        schema, name = table.split(".")
        constants = dict(constants or {})
        columns = (*RAW_COLUMNS, *constants)
        self._statement = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        self._cursor = conn.cursor()
        self._batch_id = batch_id
        self._window = (window_start, window_end)
        self._head = f"{int(batch_id)}\t"
        fixed = (window_start, window_end, *constants.values())
        self._tail = "".join(f"\t{_copy_value(value)}" for value in fixed) + "\n"
        self._lines: list[str] = []
        self._byte_lines: list[bytes] = []  # rows given as UTF-8 bytes
        self._bytes_as_is = conn.info.encoding == "utf-8"
        self._head_bytes, self._tail_bytes = self._head.encode(), self._tail.encode()
        self._context = None
        self._copy = None
        self.rows = 0

    def __enter__(self) -> RawCopy:
        # A worker thread sends the rows while this one makes the next (psycopg's queued
        # writer; the server's parsing of the rows overlaps the extract: bench/extract).
        self._context = self._cursor.copy(self._statement, writer=QueuedLibpqWriter(self._cursor))
        self._copy = self._context.__enter__()
        return self

    def write(self, record_no: int, record: Any) -> None:
        """One row; ``record`` is a JSON-able object, or its JSON text already made (a
        ``str``, or its UTF-8 ``bytes``)."""
        if record.__class__ is bytes:
            if self._bytes_as_is:  # sent as they came
                if self._lines:  # rows go in the order given
                    self._flush()
                lines = self._byte_lines
                lines.append(
                    b"%b%d\t%b%b"
                    % (self._head_bytes, record_no, copy_bytes(record), self._tail_bytes)
                )
                self.rows += 1
                if len(lines) >= CHUNK_ROWS:
                    self._flush()
                return
            record = record.decode("utf-8")
        text = record if isinstance(record, str) else _ENCODE(record)
        if self._byte_lines:  # rows go in the order given
            self._flush()
        lines = self._lines
        lines.append(f"{self._head}{int(record_no)}\t{copy_text(text)}{self._tail}")
        self.rows += 1
        if len(lines) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            self._copy.write("".join(self._lines))
            self._lines = []
        if self._byte_lines:
            self._copy.write(b"".join(self._byte_lines))
            self._byte_lines = []

    def __exit__(self, *exc) -> None:
        try:
            if self._context is not None:
                if exc[0] is None:
                    self._flush()
                self._context.__exit__(*exc)
        finally:
            self._context = self._copy = None
            self._lines, self._byte_lines = [], []
            self._cursor.close()
