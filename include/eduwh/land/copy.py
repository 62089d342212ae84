"""COPY rows into a raw landing table with psycopg 3 (``cursor.copy()``).

A :class:`RawCopy` is one COPY statement; the caller owns the transaction. Records are
written as their JSON text (the server parses it into jsonb), in the order given.

Speed (bench/landing, bench/extract): the columns that are the same for the whole batch
(batch id, window) are formatted once; each row is built with bytes or string operations
only, and rows are sent in chunks — no per-value adaptation by the driver — by a worker
thread while this one makes the next (psycopg's queued writer). A table without constant
columns (and a window of aware datetimes) is copied in COPY's binary format: the JSON text
goes as received, with no escaping, and the server reads the ints and times without
parsing them; otherwise in COPY's text format, each record's text escaped.
A record given as JSON text already made is sent as is; given as its UTF-8 bytes (a page
body's slice, eduwh.extract.jsontext), it is not decoded on the way.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from datetime import UTC, datetime
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


# COPY's binary format: the file's header and trailer, a row of the raw columns.
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_ROW_HEAD = struct.Struct(">hiq")  # field count, batch_id (length, bigint)
_ROW_MID = struct.Struct(">iiiB")  # record_no (length, int), record (length, jsonb version)
_MID = _ROW_MID.pack


def _binary_time(value: datetime | None) -> bytes:
    """A timestamptz field of COPY's binary format (``None``: NULL)."""
    if value is None:
        return struct.pack(">i", -1)
    # by the timedelta's parts: a night's window ends are pendulum DateTimes, whose
    # difference (a pendulum Interval) cannot be divided by a stdlib timedelta
    delta = value - _PG_EPOCH
    return struct.pack(">iq", 8, (delta.days * 86_400 + delta.seconds) * 10**6 + delta.microseconds)


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
        window = (window_start, window_end)
        self._binary = not constants and all(w is None or w.tzinfo is not None for w in window)
        self._statement = sql.SQL("copy {} ({}) from stdin{}").format(
            sql.Identifier(schema, name),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(" (format binary)" if self._binary else ""),
        )
        self._cursor = conn.cursor()
        self._batch_id = batch_id
        self._window = window
        self._encoding = conn.info.encoding  # a str record's bytes on the wire
        self._as_is = self._binary and self._encoding == "utf-8"  # a bytes record as is
        self._head = f"{int(batch_id)}\t"
        fixed = (window_start, window_end, *constants.values())
        self._tail = "".join(f"\t{_copy_value(value)}" for value in fixed) + "\n"
        self._row_head = _ROW_HEAD.pack(len(RAW_COLUMNS), 8, int(batch_id))
        self._row_tail = b"".join(map(_binary_time, window)) if self._binary else b""
        self._lines: list[Any] = []  # text lines, or binary rows
        self._started = False  # the binary header is sent
        self._context = None
        self._copy = None
        self.rows = 0

    def __enter__(self) -> RawCopy:
        self._context = self._cursor.copy(self._statement, writer=QueuedLibpqWriter(self._cursor))
        self._copy = self._context.__enter__()
        return self

    def write(self, record_no: int, record: Any) -> None:
        """One row; ``record`` is a JSON-able object, or its JSON text already made (a
        ``str``, or its UTF-8 ``bytes``)."""
        if record.__class__ is bytes and self._as_is:  # the common case, inline
            if b"\x00" in record:
                raise ValueError("a record's JSON text contains a NUL character")
            lines = self._lines
            lines.append(
                b"%b%b%b%b"
                % (self._row_head, _MID(4, record_no, len(record) + 1, 1), record, self._row_tail)
            )
            self.rows += 1
            if len(lines) >= CHUNK_ROWS:
                self._flush()
            return
        if record.__class__ is bytes:  # into the text format, or another encoding
            record = record.decode("utf-8")
        text = record if isinstance(record, str) else _ENCODE(record)
        if not self._binary:
            self._add(f"{self._head}{int(record_no)}\t{copy_text(text)}{self._tail}")
            return
        if "\x00" in text:  # as in the text format: refused here, clearly
            raise ValueError("a record's JSON text contains a NUL character")
        data = text.encode(self._encoding)
        mid = _MID(4, record_no, len(data) + 1, 1)
        self._add(b"%b%b%b%b" % (self._row_head, mid, data, self._row_tail))

    def _add(self, line: Any) -> None:
        lines = self._lines
        lines.append(line)
        self.rows += 1
        if len(lines) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._lines:
            return
        if not self._binary:
            self._copy.write("".join(self._lines))
        else:
            if not self._started:
                self._lines.insert(0, _SIGNATURE)
                self._started = True
            self._copy.write(b"".join(self._lines))
        self._lines = []

    def __exit__(self, *exc) -> None:
        try:
            if self._context is not None:
                if exc[0] is None:
                    self._flush()
                    if self._started:  # (nothing sent: psycopg sends an empty file)
                        self._copy.write(_TRAILER)
                self._context.__exit__(*exc)
        finally:
            self._context = self._copy = None
            self._lines = []
            self._cursor.close()
