"""The night's extract-load of the one-stop portal (motcua) into ``raw``.

1. Catalogue: every procedure of the agency, one batch into ``raw.motcua__thutuc``
   (landed every night: the warehouse keeps history by snapshots). A night already
   landed is not landed again (unless ``full_refresh``).
2. Dossiers: the window ``[watermark, window_end)`` into ``raw.motcua__hoso``; each
   version validated (key, dates, due before receipt, procedure in the catalogue just
   landed); bad ones go to ``meta.quarantine``; the watermark moves to ``window_end``.

Each batch lands whole or not at all: its ``running`` ledger row is committed first,
then ONE transaction holds the COPY, the quarantine rows, the ledger's ``succeeded`` with
counts (landed + quarantined = reported, checked) and the watermark. On error: rollback,
ledger ``failed`` with the error's text, the error raised again.
Personal data (ChuHoSo, SoGiayToChuHoSo) is never logged: logs carry counts only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg

from eduwh.config import Settings
from eduwh.extract import motcua
from eduwh.extract.http import Endpoint, RestClient, Window
from eduwh.land import ddl, ledger, nightly
from eduwh.land.batch import Batch

log = logging.getLogger(__name__)

SOURCE = motcua.SOURCE
TABLES = ddl.MOTCUA_TABLES


def extract_from(settings: Settings | None = None) -> datetime:
    """``MOTCUA_EXTRACT_FROM``: where dossiers start when there is no watermark yet."""
    return nightly.first_start((settings or Settings.from_env()).motcua_extract_from)


def land_night(settings: Settings, night) -> dict:
    """The motcua_dossiers DAG's task (eduwh.airflow.dags.source_dag)."""
    return nightly.land_window(extract_load, settings, night)


def extract_load(
    settings: Settings,
    window_end: datetime,
    *,
    full_refresh: bool = False,
    run_id: str | None = None,
    start: datetime | None = None,
) -> dict:
    """Land the catalogue and the dossiers changed in ``[watermark, window_end)``.

    Naive datetimes are Vietnam local time. Returns a summary: per entity the batch id,
    the window, rows reported / landed / quarantined and a status.
    """
    if not settings.motcua_base_url:
        raise ValueError("MOTCUA_BASE_URL is not set (no one-stop portal to extract from)")
    agency = settings.agency
    window_end = motcua.local(window_end)
    run_id = run_id or f"motcua-{uuid.uuid4().hex[:12]}"
    options = motcua.client_options()
    client = motcua.make_client(
        settings.motcua_base_url, settings.motcua_client_id, settings.motcua_client_secret
    )
    summary = nightly.window_summary(SOURCE, run_id, window_end)
    with client, nightly.landing(settings, SOURCE) as (book, data, abandoned):
        summary["abandoned"] = abandoned

        # 1. catalogue
        endpoint = motcua.thutuc_endpoint(agency.code, options["page_size"])
        landed_before = (
            None
            if full_refresh
            else ledger.last_succeeded(book, SOURCE, "thutuc", window_end, agency.code)
        )
        if landed_before is not None:
            procedures = {
                r[0]
                for r in book.execute(
                    "select record->>'MaTTHC' from raw.motcua__thutuc where batch_id = %s",
                    (landed_before,),
                )
            }
            summary["thutuc"] = {
                "status": "already_landed",
                "batch_id": landed_before,
                "procedures": len(procedures),
            }
        else:
            procedures = set()

            def keep_procedure(record: dict) -> None:
                procedures.add(record["MaTTHC"])

            summary["thutuc"] = _land(
                book,
                data,
                client,
                endpoint,
                entity="thutuc",
                window=None,
                batch_window=(None, window_end),
                run_id=run_id,
                agency_code=agency.code,
                validate=motcua.validate_thutuc,
                on_landed=keep_procedure,
                on_restart=procedures.clear,
            )
            summary["thutuc"]["procedures"] = len(procedures)

        # 2. dossiers
        window_start = nightly.start_of_window(
            book, SOURCE, "hoso", agency.code, start, full_refresh, lambda: extract_from(settings)
        )
        if window_start > window_end and start is not None:
            raise ValueError(f"start {window_start} is after window_end {window_end}")
        if window_start >= window_end:
            summary["hoso"] = nightly.up_to_date(window_start, window_end)
        else:
            frozen = frozenset(procedures)
            summary["hoso"] = _land(
                book,
                data,
                client,
                motcua.hoso_endpoint(agency.code, options["page_size"]),
                entity="hoso",
                window=Window(window_start, window_end),
                batch_window=(window_start, window_end),
                run_id=run_id,
                agency_code=agency.code,
                validate=lambda record: motcua.validate_hoso(record, frozen),
                advance_watermark=True,
            )
    summary["http_calls"] = client.calls
    return summary


def _land(
    book: psycopg.Connection,
    data: psycopg.Connection,
    client: RestClient,
    endpoint: Endpoint,
    *,
    entity: str,
    window: Window | None,
    batch_window: tuple[datetime | None, datetime | None],
    run_id: str,
    validate: Callable[[Any], motcua.Problem | None],
    on_landed: Callable[[dict], None] | None = None,
    on_restart: Callable[[], None] | None = None,
    advance_watermark: bool = False,
    agency_code: str,
) -> dict:
    """One batch of one endpoint's pages (eduwh.land.batch: all or nothing)."""
    with Batch(
        book,
        data,
        source=SOURCE,
        entity=entity,
        window=batch_window,
        run_id=run_id,
        agency_code=agency_code,
    ) as batch:
        log.info("motcua %s: batch %d, window %s", entity, batch.id, window or "(catalogue)")
        copy = batch.copy(TABLES[entity])
        record_no = reported = 0
        for page in client.pages(endpoint, window=window):
            if page.restarts_window:  # the window changed while read: undo, read again
                batch.restart()
                copy, record_no = batch.copy(TABLES[entity]), 0
                if on_restart:
                    on_restart()
            reported = page.total
            texts = page.texts  # each record's JSON text as received: landed as is
            write = copy.write
            for number, record in enumerate(page.records):
                record_no += 1
                problem = validate(record)
                if problem is None:
                    write(record_no, record if texts is None else texts[number])
                    if on_landed:
                        on_landed(record)
                else:
                    if record.__class__ is motcua.HosoFields:  # the fields read: all of it
                        record = json.loads(texts[number])
                    batch.reject(record, problem.reason, problem.detail)
        result = batch.succeed(
            reported=reported,
            landed=copy.rows,
            watermark_to=batch_window[1] if advance_watermark else None,
        )
    log.info(
        "motcua %s: batch %d succeeded: reported %d, landed %d, quarantined %d %s (%d new)",
        entity,
        batch.id,
        reported,
        result["landed"],
        result["quarantined"],
        result["quarantined_by_reason"],
        batch.new_rejects,
    )
    return result
