"""One landed batch: what every loader does around its rows, written once.

The ledger row ``running`` is committed on its own connection (``book``) before any data
moves. Everything else of the batch is one transaction on ``data``: the rows (COPY), the
records quarantined with their reasons, ``succeeded`` with the counts, the watermark.
Whatever fails in between rolls that transaction back and marks the batch ``failed``
with the error's text before the error goes on; a process killed mid-way leaves
``running``, which the next run of the source abandons (``ledger.abandon_stale``).

A window whose rows moved while it was paged is read again: :meth:`Batch.restart` undoes
what the batch wrote so far (its rows and rejects) inside the same transaction.

    with Batch(book, data, source="motcua", entity="hoso", window=(start, end)) as batch:
        copy = batch.copy("raw.motcua__hoso")
        ... copy.write(record_no, record) / batch.reject(record, reason, detail) ...
        batch.succeed(reported=total, landed=copy.rows, watermark=end)
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any

import psycopg

from eduwh.land import ledger, quarantine, watermark
from eduwh.land.copy import RawCopy

log = logging.getLogger(__name__)


class Batch:
    def __init__(
        self,
        book: psycopg.Connection,
        data: psycopg.Connection,
        *,
        source: str,
        entity: str,
        window: tuple[datetime | None, datetime | None],
        run_id: str | None,
        agency_code: str,
        quarantine_entity: str | None = None,
    ) -> None:
        self.book, self.data = book, data
        self.source, self.entity, self.agency_code = source, entity, agency_code
        self.window_start, self.window_end = window
        self.quarantine_entity = quarantine_entity or entity
        self.id = ledger.open_batch(
            book, source, entity, self.window_start, self.window_end, run_id
        )
        self._copies: list[RawCopy] = []
        self.rejected: list[quarantine.Quarantined] = []  # records of the batch: counted
        self._other: dict[str, list[quarantine.Quarantined]] = {}  # e.g. a listing's packages
        self.new_rejects = 0

    def __enter__(self) -> Batch:
        self.data.execute("savepoint batch_start")
        return self

    def copy(self, table: str, **constants: Any) -> RawCopy:
        """A COPY into ``table`` with this batch's id and window (and ``constants``, the
        same for every row: the file, a delivery's stamp)."""
        copy = RawCopy(
            self.data, table, self.id, self.window_start, self.window_end, constants
        ).__enter__()
        self._copies.append(copy)
        return copy

    def reject(self, record: Any, reason: str, detail: str) -> None:
        """A record of the batch goes to quarantine (counted in the ledger)."""
        self.rejected.append(quarantine.Quarantined(quarantine.record_text(record), reason, detail))

    def reject_other(self, entity: str, item: quarantine.Quarantined) -> None:
        """Something the batch fetched besides its records (an edXML package) goes to
        quarantine under ``entity`` (not a record of the batch: not counted)."""
        self._other.setdefault(entity, []).append(item)

    def close_copies(self) -> None:
        """End the batch's COPYs (a connection runs one statement at a time: before the
        batch writes anything else on it)."""
        self._close_copies(None)

    def restart(self) -> None:
        """Undo everything written so far (the window is read again from its start)."""
        self._close_copies(None)
        self.data.execute("rollback to savepoint batch_start")
        self.rejected, self._other = [], {}

    def succeed(
        self, *, reported: int, landed: int, watermark_to: datetime | None = None
    ) -> dict[str, Any]:
        """Close the COPYs, quarantine, ``succeeded`` with the counts, the watermark (when
        given) and commit — all or nothing. Returns the batch's counts."""
        self._close_copies(None)
        self.new_rejects = quarantine.insert(
            self.data,
            self.id,
            self.source,
            self.quarantine_entity,
            self.rejected,
            self.agency_code,
        )
        for entity, items in self._other.items():
            quarantine.insert(self.data, self.id, self.source, entity, items, self.agency_code)
        ledger.succeed(
            self.data, self.id, reported=reported, landed=landed, quarantined=len(self.rejected)
        )
        if watermark_to is not None:
            watermark.advance(
                self.data, self.source, self.entity, watermark_to, self.id, self.agency_code
            )
        self.data.commit()
        return {
            "status": "succeeded",
            "batch_id": self.id,
            "window_start": _iso(self.window_start),
            "window_end": _iso(self.window_end),
            "reported": reported,
            "landed": landed,
            "quarantined": len(self.rejected),
            "quarantined_by_reason": self.reasons(),
        }

    def reasons(self, entity: str | None = None) -> dict[str, int]:
        items = self.rejected if entity is None else self._other.get(entity, [])
        return dict(Counter(item.reason for item in items))

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            return False
        self._close_copies(exc)
        try:
            self.data.rollback()
        except Exception:  # the connection itself may be what failed
            pass
        try:
            ledger.fail(self.book, self.id, f"{type(exc).__name__}: {exc}")
        except Exception:
            log.exception(
                "%s %s: could not mark batch %d failed", self.source, self.entity, self.id
            )
        return False

    def _close_copies(self, exc: BaseException | None) -> None:
        copies, self._copies = self._copies, []
        for copy in copies:
            if exc is None:
                copy.__exit__(None, None, None)
            else:
                try:
                    copy.__exit__(type(exc), exc, exc.__traceback__)
                except Exception:  # the COPY is being abandoned anyway
                    pass


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
