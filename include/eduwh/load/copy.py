"""COPY rows into a raw landing table with psycopg 3 (``cursor.copy()`` + ``write_row``).

A :class:`RawCopy` is one COPY statement; the caller owns the transaction. Records are
written as their JSON text (the server parses it into jsonb), in the order given.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

RAW_COLUMNS = ("batch_id", "record_no", "record", "window_start", "window_end")


def record_json(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class RawCopy:
    def __init__(
        self,
        conn: psycopg.Connection,
        table: str,
        batch_id: int,
        window_start: datetime | None,
        window_end: datetime | None,
    ) -> None:
        schema, name = table.split(".")
        self._statement = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, RAW_COLUMNS))
        )
        self._cursor = conn.cursor()
        self._batch_id = batch_id
        self._window = (window_start, window_end)
        self._context = None
        self._copy = None
        self.rows = 0

    def __enter__(self) -> RawCopy:
        self._context = self._cursor.copy(self._statement)
        self._copy = self._context.__enter__()
        return self

    def write(self, record_no: int, record: Any) -> None:
        """One row; ``record`` is a JSON-able object, or its JSON text already made."""
        text = record if isinstance(record, str) else record_json(record)
        self._copy.write_row((self._batch_id, record_no, text, *self._window))
        self.rows += 1

    def __exit__(self, *exc) -> None:
        try:
            if self._context is not None:
                self._context.__exit__(*exc)
        finally:
            self._context = self._copy = None
            self._cursor.close()
