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
import uuid
from datetime import datetime

import psycopg
from psycopg import sql

from eduwh.config import Settings
from eduwh.extract import edxml, eoffice
from eduwh.extract.http import RestClient, Window
from eduwh.land import ddl, nightly, quarantine
from eduwh.land.batch import Batch

log = logging.getLogger(__name__)

SOURCE = eoffice.SOURCE
VANBAN = ddl.EOFFICE_VANBAN
HEADER = ddl.EOFFICE_HEADER


def entity(kind: str) -> str:
    return f"vanban_{kind}"


def extract_from(settings: Settings | None = None) -> datetime:
    """``EOFFICE_EXTRACT_FROM``: where documents start when there is no watermark yet."""
    return nightly.first_start((settings or Settings.from_env()).eoffice_extract_from)


def land_night(settings: Settings, night) -> dict:
    """The eoffice_documents DAG's task (eduwh.airflow.dags.source_dag)."""
    return nightly.land_window(extract_load, settings, night)


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
    summary = nightly.window_summary(SOURCE, run_id, window_end)
    with client, nightly.landing(settings, SOURCE) as (book, data, abandoned):
        summary["abandoned"] = abandoned
        for kind in eoffice.KINDS:
            name = entity(kind)
            window_start = nightly.start_of_window(
                book, SOURCE, name, agency.code, start, full_refresh, lambda: extract_from(settings)
            )
            if window_start >= window_end:
                summary[name] = nightly.up_to_date(window_start, window_end)
                continue
            landed_before: set[int] = set()
            if not full_refresh:
                landed_before = {
                    r[0]
                    for r in book.execute(
                        "select distinct h.document_id from raw.eoffice__edxml_header h"
                        " join meta.batch b on b.batch_id = h.batch_id"
                        " where b.status = 'succeeded'"
                        " and (b.agency_code = %s or b.agency_code is null)",
                        (agency.code,),
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
                agency.code,
            )
    summary["http_calls"] = client.calls
    return summary


def _land(
    book: psycopg.Connection,
    data: psycopg.Connection,
    client: RestClient,
    kind: str,
    window: Window,
    page_size: int,
    run_id: str,
    landed_before: set[int],
    agency_code: str,
) -> dict:
    """One batch of one kind of document (eduwh.land.batch: all or nothing): the listing,
    secret ones reduced first, then the header facts of the packages not read yet."""
    name = entity(kind)
    with Batch(
        book,
        data,
        source=SOURCE,
        entity=name,
        window=(window.start, window.end),
        run_id=run_id,
        agency_code=agency_code,
        quarantine_entity="vanban",
    ) as batch:
        log.info("eoffice %s: batch %d, window %s", name, batch.id, window)
        copy = batch.copy(VANBAN)
        wanted: dict[int, tuple[int, dict]] = {}  # document id -> (record_no, listing row)
        record_no = reported = secret = 0
        for page in client.pages(eoffice.vanban_endpoint(kind, page_size), window=window):
            if page.restarts_window:  # the window changed while read: undo, read again
                batch.restart()
                copy = batch.copy(VANBAN)
                wanted, record_no, secret = {}, 0, 0
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
                    batch.reject(record, problem.reason, problem.detail)
        landed = copy.rows
        batch.close_copies()  # the listing is landed; the packages' headers come next
        packages, skipped = _land_packages(batch, client, window, wanted, landed_before)
        result = batch.succeed(reported=reported, landed=landed, watermark_to=window.end)
    package_reasons = batch.reasons("edxml")
    log.info(
        "eoffice %s: batch %d succeeded: reported %d (%d secret, reduced), landed %d, "
        "quarantined %d %s; packages read %d, skipped %d, quarantined %d %s",
        name,
        batch.id,
        reported,
        secret,
        landed,
        result["quarantined"],
        result["quarantined_by_reason"],
        packages,
        skipped,
        sum(package_reasons.values()),
        package_reasons,
    )
    return {
        **result,
        "secret": secret,
        "packages": packages,
        "packages_skipped": skipped,
        "packages_quarantined": sum(package_reasons.values()),
        "packages_quarantined_by_reason": package_reasons,
    }


def _land_packages(
    batch: Batch,
    client: RestClient,
    window: Window,
    wanted: dict[int, tuple[int, dict]],
    landed_before: set[int],
) -> tuple[int, int]:
    """The header facts of each wanted document's edXML package, into HEADER; a package
    that cannot be read is quarantined (entity ``edxml``). Returns (read, skipped)."""
    headers: list[tuple[int, int, str]] = []
    skipped = 0
    for doc_id, (number, record) in wanted.items():
        if doc_id in landed_before:
            skipped += 1
            continue
        try:
            facts = eoffice.fetch_package(client, doc_id)
        except edxml.MalformedPackage as error:
            batch.reject_other(
                "edxml", _package_problem(doc_id, record, error.reason, error.detail)
            )
            continue
        except eoffice.PackageNotFound as error:
            batch.reject_other(
                "edxml", _package_problem(doc_id, record, eoffice.PACKAGE_MISSING, str(error))
            )
            continue
        headers.append(
            (number, doc_id, json.dumps(facts.to_dict(), ensure_ascii=False, separators=(",", ":")))
        )
    _HeaderCopy(batch.data, batch.id, window).write_all(headers)
    return len(headers), skipped


class _HeaderCopy:
    """COPY into raw.eoffice__edxml_header (its own columns, not the raw standard five)."""

    COLUMNS = ("batch_id", "record_no", "document_id", "facts", "window_start", "window_end")

    def __init__(self, conn: psycopg.Connection, batch_id: int, window: Window):
        self._conn = conn
        self._statement = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier(*HEADER.split(".")),
            sql.SQL(", ").join(map(sql.Identifier, self.COLUMNS)),
        )
        self._fixed = (window.start, window.end)
        self._batch_id = batch_id

    def write_all(self, rows: list[tuple[int, int, str]]) -> None:
        if not rows:
            return
        with self._conn.cursor() as cursor, cursor.copy(self._statement) as copy:
            for record_no, doc_id, facts in rows:
                copy.write_row((self._batch_id, record_no, doc_id, facts, *self._fixed))


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
