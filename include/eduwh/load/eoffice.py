"""The night's extract-load of e-Office into ``raw`` (same shape as ``load/motcua.py``).

For each ``loai`` (``den`` incoming, ``di`` outgoing), one batch over the window
``[watermark(eoffice, vanban_<loai>), window_end)``:

1. the listing, page by page: every row first reduced (secret documents keep only the
   contract's allowed fields — before validation, raw, quarantine or logs), then
   validated; valid rows COPY into ``raw.eoffice__vanban``, invalid ones go to
   ``meta.quarantine`` (entity ``vanban``) with their reason;
2. the packages of the non-secret rows with ``co_edxml`` (not landed already by an
   earlier batch, unless ``full_refresh``): each downloaded and read as a stream straight
   from the HTTP response; header facts (JSON) COPY into ``raw.eoffice__edxml_header``;
   a malformed package (or a 404) goes to quarantine (entity ``edxml``, the listing row
   as record, the reader's reason) and the night goes on.

A batch lands whole or not at all: the ``running`` ledger row is committed first, then
ONE transaction holds both COPYs, the quarantine rows, the ledger's ``succeeded`` (listing
rows: landed + quarantined = reported) and the watermark. On error: rollback, ledger
``failed``, the error raised again. Logs carry counts and ids only.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import Counter
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from eduwh import warehouse
from eduwh.load import ddl, ledger, quarantine, watermark
from eduwh.load.copy import RawCopy
from eduwh.load.register import register_agency
from eduwh.settings import Settings
from eduwh.sources import edxml, eoffice
from eduwh.sources.http import RestClient, Window

log = logging.getLogger(__name__)

LOADER = "eduwh_loader"
SOURCE = eoffice.SOURCE
DEFAULT_EXTRACT_FROM = "2018-01-01T00:00:00+07:00"
VANBAN = "raw.eoffice__vanban"
HEADER = "raw.eoffice__edxml_header"
RAW_TABLES = (VANBAN, HEADER)

DDL = [
    ddl.raw_table(VANBAN),
    f"""create table if not exists {HEADER} (
    batch_id bigint not null,
    record_no integer not null,
    document_id bigint not null,
    facts jsonb not null,
    window_start timestamptz,
    window_end timestamptz,
    loaded_at timestamptz not null default now()
)""",
]
_LOCK_KEY = 0x656F_6666_6963_65  # serialises concurrent first-time DDL of these tables


def ensure_tables(conn: psycopg.Connection) -> None:
    """meta.* and motcua's raw tables (ddl.ensure_tables), then e-Office's raw tables."""
    ddl.ensure_tables(conn)
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        for statement in DDL:
            conn.execute(statement)


def entity(kind: str) -> str:
    return f"vanban_{kind}"


def extract_from() -> datetime:
    value = os.environ.get("EOFFICE_EXTRACT_FROM") or DEFAULT_EXTRACT_FROM
    return eoffice.local(datetime.fromisoformat(value))


def extract_load(
    settings: Settings,
    window_end: datetime,
    *,
    full_refresh: bool = False,
    run_id: str | None = None,
    start: datetime | None = None,
) -> dict:
    """Land incoming and outgoing documents changed in ``[watermark, window_end)`` and
    the header facts of their packages. Naive datetimes are Vietnam local time."""
    base_url, client_id, client_secret = eoffice.connection(settings)
    if not base_url:
        raise ValueError("EOFFICE_BASE_URL is not set (no e-Office to extract from)")
    agency = settings.agency
    window_end = eoffice.local(window_end)
    run_id = run_id or f"eoffice-{uuid.uuid4().hex[:12]}"
    options = eoffice.client_options()
    client = eoffice.make_client(base_url, client_id, client_secret)
    summary: dict[str, Any] = {
        "source": SOURCE,
        "run_id": run_id,
        "window_end": window_end.isoformat(),
    }
    with (
        client,
        warehouse.connect(settings, role=LOADER, autocommit=True) as book,
        warehouse.connect(settings, role=LOADER) as data,
    ):
        ensure_tables(book)
        register_agency(book, agency)
        ledger.lock_source(book, SOURCE)
        summary["abandoned"] = ledger.abandon_stale(book, SOURCE)
        if summary["abandoned"]:
            log.warning(
                "eoffice: batches %s were left running by an ended process: abandoned",
                summary["abandoned"],
            )
        for kind in eoffice.KINDS:
            name = entity(kind)
            high_water = watermark.get(book, SOURCE, name)
            if start is not None:
                window_start = eoffice.local(start)
            elif full_refresh or high_water is None:
                window_start = extract_from()
            else:
                window_start = high_water
            if window_start >= window_end:
                summary[name] = {
                    "status": "up_to_date",
                    "batch_id": None,
                    "window_start": window_start.isoformat(),
                    "window_end": window_end.isoformat(),
                    "reported": 0,
                    "landed": 0,
                    "quarantined": 0,
                }
                continue
            landed_before: set[int] = set()
            if not full_refresh:
                landed_before = {
                    r[0]
                    for r in book.execute(
                        "select distinct h.document_id from raw.eoffice__edxml_header h"
                        " join meta.batch b on b.batch_id = h.batch_id"
                        " where b.status = 'succeeded'"
                    )
                }
            summary[name] = _land(
                book,
                data,
                client,
                kind,
                Window(window_start, window_end),
                options["page_size"],
                run_id,
                landed_before,
            )
    summary["http_calls"] = client.calls
    return summary


class _HeaderCopy:
    """COPY into raw.eoffice__edxml_header (its own columns, not the raw standard five)."""

    COLUMNS = ("batch_id", "record_no", "document_id", "facts", "window_start", "window_end")

    def __init__(self, conn: psycopg.Connection, batch_id: int, window: Window):
        self._cursor = conn.cursor()
        self._statement = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier("raw", "eoffice__edxml_header"),
            sql.SQL(", ").join(map(sql.Identifier, self.COLUMNS)),
        )
        self._fixed = (window.start, window.end)
        self._batch_id = batch_id
        self.rows = 0

    def write_all(self, rows: list[tuple[int, int, str]]) -> None:
        if not rows:
            return
        with self._cursor.copy(self._statement) as copy:
            for record_no, doc_id, facts in rows:
                copy.write_row((self._batch_id, record_no, doc_id, facts, *self._fixed))
                self.rows += 1
        self._cursor.close()


def _land(
    book: psycopg.Connection,
    data: psycopg.Connection,
    client: RestClient,
    kind: str,
    window: Window,
    page_size: int,
    run_id: str,
    landed_before: set[int],
) -> dict:
    name = entity(kind)
    batch_id = ledger.open_batch(book, SOURCE, name, window.start, window.end, run_id)
    log.info("eoffice %s: batch %d, window %s", name, batch_id, window)
    copy: RawCopy | None = None
    try:
        data.execute("savepoint window_read")
        copy = RawCopy(data, VANBAN, batch_id, window.start, window.end).__enter__()
        bad: list[quarantine.Quarantined] = []
        wanted: dict[int, tuple[int, dict]] = {}  # document id -> (record_no, listing row)
        record_no = reported = secret = 0
        for page in client.pages(eoffice.vanban_endpoint(kind, page_size), window=window):
            if page.restarts_window:  # the window changed while read: undo, read again
                copy.__exit__(None, None, None)
                copy = None
                data.execute("rollback to savepoint window_read")
                bad, wanted, record_no, secret = [], {}, 0, 0
                copy = RawCopy(data, VANBAN, batch_id, window.start, window.end).__enter__()
            reported = page.total
            for received in page.records:
                record = eoffice.reduce_secret(received)  # first, before anything else
                del received
                record_no += 1
                secret += eoffice.is_secret(record)
                problem = eoffice.validate_vanban(record, kind)
                if problem is None:
                    copy.write(record_no, record)
                    if eoffice.wants_package(record):
                        wanted[record["id"]] = (record_no, record)
                else:
                    bad.append(
                        quarantine.Quarantined(
                            quarantine.record_text(record), problem.reason, problem.detail
                        )
                    )
        copy.__exit__(None, None, None)
        landed, copy = copy.rows, None

        headers: list[tuple[int, int, str]] = []
        bad_packages: list[quarantine.Quarantined] = []
        skipped = 0
        for doc_id, (number, record) in wanted.items():
            if doc_id in landed_before:
                skipped += 1
                continue
            try:
                facts = eoffice.fetch_package(client, doc_id)
            except edxml.MalformedPackage as error:
                bad_packages.append(_package_problem(doc_id, record, error.reason, error.detail))
                continue
            except eoffice.PackageNotFound as error:
                bad_packages.append(
                    _package_problem(doc_id, record, eoffice.PACKAGE_MISSING, str(error))
                )
                continue
            headers.append(
                (
                    number,
                    doc_id,
                    json.dumps(facts.to_dict(), ensure_ascii=False, separators=(",", ":")),
                )
            )
        header_copy = _HeaderCopy(data, batch_id, window)
        header_copy.write_all(headers)
        quarantine.insert(data, batch_id, SOURCE, "vanban", bad)
        quarantine.insert(data, batch_id, SOURCE, "edxml", bad_packages)
        ledger.succeed(data, batch_id, reported=reported, landed=landed, quarantined=len(bad))
        watermark.advance(data, SOURCE, name, window.end, batch_id)
        data.commit()
    except BaseException as error:
        if copy is not None:
            try:
                copy.__exit__(type(error), error, error.__traceback__)
            except Exception:
                pass
        try:
            data.rollback()
        except Exception:
            pass
        try:
            ledger.fail(book, batch_id, f"{type(error).__name__}: {error}")
        except Exception:
            log.exception("eoffice %s: could not mark batch %d failed", name, batch_id)
        raise
    reasons = Counter(q.reason for q in bad)
    package_reasons = Counter(q.reason for q in bad_packages)
    log.info(
        "eoffice %s: batch %d succeeded: reported %d (%d secret, reduced), landed %d, "
        "quarantined %d %s; packages read %d, skipped %d, quarantined %d %s",
        name,
        batch_id,
        reported,
        secret,
        landed,
        len(bad),
        dict(reasons),
        header_copy.rows,
        skipped,
        len(bad_packages),
        dict(package_reasons),
    )
    return {
        "status": "succeeded",
        "batch_id": batch_id,
        "window_start": window.start.isoformat(),
        "window_end": window.end.isoformat(),
        "reported": reported,
        "landed": landed,
        "quarantined": len(bad),
        "quarantined_by_reason": dict(reasons),
        "secret": secret,
        "packages": header_copy.rows,
        "packages_skipped": skipped,
        "packages_quarantined": len(bad_packages),
        "packages_quarantined_by_reason": dict(package_reasons),
    }


def _package_problem(doc_id: int, record: dict, reason: str, detail: str) -> quarantine.Quarantined:
    # The same package quarantined again on a later night (a new listing version) must
    # give the same text, so the fields that change with processing are left out.
    stable = {
        k: v
        for k, v in record.items()
        if k not in ("trang_thai", "cap_nhat_luc", "ngay_hoan_thanh")
    }
    text = quarantine.record_text(
        {"document_id": doc_id, "package": eoffice.package_path(doc_id), "listing": stable}
    )
    return quarantine.Quarantined(text, reason, detail[:500])
