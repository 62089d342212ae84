"""A source's nightly landing: what every loader does before its batches, written once.

:func:`landing` opens it: the ledger's connection (``book``, autocommit) and the data's
(``data``, one transaction per batch: eduwh.land.batch), every raw and meta table, the
agency registered (its batches carry it), the source locked for the agency and the
batches an ended process left ``running`` abandoned (a warning names them)::

    with client, landing(settings, SOURCE) as (book, data, abandoned):
        ...

A windowed source (motcua's dossiers, e-Office's documents) reads each entity over
``[window_start, window_end)``: :func:`window_summary` opens its summary,
:func:`start_of_window` says where a window starts (:func:`first_start` with no watermark
yet), :func:`up_to_date` is an entity with nothing to read, and :func:`land_window` is the
source DAG's task.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.land import ddl, ledger, watermark
from eduwh.land.register import register_agency

log = logging.getLogger(__name__)

LOADER = "eduwh_loader"
DEFAULT_EXTRACT_FROM = "2018-01-01T00:00:00+07:00"
VN_TZ = timezone(timedelta(hours=7), "ICT")


@contextmanager
def landing(
    settings: Settings, source: str
) -> Iterator[tuple[psycopg.Connection, psycopg.Connection, list[int]]]:
    """``(book, data, abandoned)`` for landing ``source`` of the settings' agency: the
    tables ensured, the agency registered on ``book``, the source locked for the agency
    (ledger.ConcurrentRun when another load holds it), stale batches abandoned (their
    ids, logged as a warning). Both connections close when the block ends."""
    agency = settings.agency
    with (
        warehouse.connect(settings, role=LOADER, autocommit=True) as book,
        warehouse.connect(settings, role=LOADER) as data,
    ):
        ddl.ensure_tables(book)
        register_agency(book, agency, settings.source_instance)
        ledger.lock_source(book, source, agency.code)
        abandoned = ledger.abandon_stale(book, source, agency.code)
        if abandoned:
            log.warning(
                "%s: batches %s were left running by an ended process: abandoned", source, abandoned
            )
        yield book, data, abandoned


def local(moment: datetime) -> datetime:
    """Aware datetime; a naive one is taken as Vietnam local time."""
    return moment.replace(tzinfo=VN_TZ) if moment.tzinfo is None else moment


def first_start(setting: str | None) -> datetime:
    """A ``*_EXTRACT_FROM`` setting's moment (else 2018-01-01 in Vietnam): where a
    windowed source starts when there is no watermark yet, or on a full refresh."""
    return local(datetime.fromisoformat(setting or DEFAULT_EXTRACT_FROM))


def start_of_window(
    book: psycopg.Connection,
    source: str,
    entity: str,
    agency_code: str,
    start: datetime | None,
    full_refresh: bool,
    first: Callable[[], datetime],
) -> datetime:
    """Where the window of ``entity`` starts: ``start`` when given (naive: Vietnam local
    time), else ``first()`` on a full refresh or when the agency has no watermark yet,
    else the watermark."""
    high_water = watermark.get(book, source, entity, agency_code)
    if start is not None:
        return local(start)
    if full_refresh or high_water is None:
        return first()
    return high_water


def window_summary(source: str, run_id: str, window_end: datetime) -> dict[str, Any]:
    """The opening of a windowed source's summary (each entity's is added under its name)."""
    return {"source": source, "run_id": run_id, "window_end": window_end.isoformat()}


def up_to_date(window_start: datetime, window_end: datetime) -> dict[str, Any]:
    """The summary of an entity whose window is empty (no batch)."""
    return {
        "status": "up_to_date",
        "batch_id": None,
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "reported": 0,
        "landed": 0,
        "quarantined": 0,
    }


def land_window(extract_load: Callable[..., dict], settings: Settings, night) -> dict:
    """A windowed source DAG's task (eduwh.airflow.dags.source_dag): up to the night's
    end, from the start again when the run's params ask for ``full_refresh``."""
    full_refresh = bool(night.params.get("full_refresh"))
    return extract_load(settings, night.end, full_refresh=full_refresh, run_id=night.run_id)
