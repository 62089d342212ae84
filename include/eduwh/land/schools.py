"""Extract-load of the school sources into ``raw``: csdl.moet exports, SMAS / vnEdu deliveries.

csdl.moet (:func:`extract_load_moet`): list the province's exports of a school year, and
download and land only the files whose (name, school year, ``sha256``) the agency has not
in ``meta.loaded_file`` yet (one new version of one file = one batch; the same bytes
exported again in a new school year are that year's export). Rows go to
``raw.csdl_moet__{truong, lop, hoc_sinh, giao_vien}``, each row a record keyed by the
header text as found in the file.

SIS (:func:`load_sis`): scan the drop folder (``SIS_DROP_DIR``) for deliveries not landed
yet (files never change after delivery; a correction is a new file), optionally only
those delivered before ``until`` (replaying nights). Rows go to ``raw.sis__smas`` /
``raw.sis__vnedu`` with the file and its delivery stamp. Which delivery wins is decided
in staging (the latest per vendor, school, year and term).

Every file is one batch of ``meta.batch``: ``running`` committed first, then one
transaction with the rows, the ``meta.loaded_file`` row and ``succeeded``. A file that
cannot be read (``BadFile``: ``wrong_encoding``, ``no_header_row``,
``missing_column:<name>``, ``corrupt_xlsx``; or a delivery name that is not a vendor's)
lands nothing: it goes to ``meta.quarantine`` (the record is the file's name, sha256 and
size — never its content) and is remembered in ``meta.loaded_file`` with status
``quarantined``, so the same bytes are not tried again every night; the other files
load. Rows without their key column's value are quarantined one by one (reason
``missing_key``), with the row itself as the record (meta is not readable by analysts).

``meta.loaded_file`` also keeps, per landed file, which header text was found for each
contract column (``columns``): staging reads records through it, so a file's own spelling
(NFD, capitals, moved columns) never matters after landing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg

from eduwh.agency import register_of, registered
from eduwh.config import Settings
from eduwh.extract import csdl_moet, sis
from eduwh.extract.tabular import BadFile, Table, canonical
from eduwh.land import ddl, nightly
from eduwh.land.batch import Batch
from eduwh.land.copy import record_json
from eduwh.school_year import school_year_of

log = logging.getLogger(__name__)

VN = timezone(timedelta(hours=7))
MOET_TABLES = ddl.MOET_TABLES
SIS_TABLES = ddl.SIS_TABLES


def _setting(settings: Settings, attribute: str, env: str, default: str | None = None):
    """A source setting of `settings` (`env` is its variable, for the error messages)."""
    return getattr(settings, attribute, None) or default


@dataclass
class FileToLand:
    source: str
    entity: str
    table: str
    file: str
    agency_code: str
    data: bytes
    read: Callable[[bytes], Table]
    key_column: str
    school_code: str | None = None  # what the listing or the file's name says
    school_year: str | None = None
    term: int | None = None
    changed_at: datetime | None = None  # aware
    delivered_at: datetime | None = None  # aware; SIS only

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _landed(
    book: psycopg.Connection, source: str, agency_code: str
) -> set[tuple[str, str | None, str]]:
    """(file, school year, sha256) of the agency's files of ``source`` landed or
    quarantined (a warehouse from before the register names no agency: its one agency's)."""
    rows = book.execute(
        "select file, school_year, sha256 from meta.loaded_file where source = %s"
        " and (agency_code = %s or agency_code is null)",
        (source, agency_code),
    ).fetchall()
    return {(file, year, sha) for file, year, sha in rows}


def _land(
    book: psycopg.Connection, data: psycopg.Connection, item: FileToLand, run_id: str
) -> dict[str, Any]:
    """One file, one batch (eduwh.land.batch): its rows, its meta.loaded_file row and the
    ledger in one transaction; a file that cannot be read goes to quarantine instead."""
    sha = item.sha256
    constants = {"file": item.file}
    if item.delivered_at is not None:
        constants["delivered_at"] = item.delivered_at
    with Batch(
        book,
        data,
        source=item.source,
        entity=item.entity,
        window=(None, item.changed_at),
        run_id=run_id,
        agency_code=item.agency_code,
    ) as batch:
        try:
            table = item.read(item.data)
            key = table.columns.get(item.key_column)
            copy = batch.copy(item.table, **constants)
            for record_no, record in enumerate(table.rows, 1):
                if key is not None and not str(record.get(key, "")).strip():
                    detail = f"{item.file} row {record_no}: no {item.key_column}"
                    batch.reject(record_json(record), "missing_key", detail)
                else:
                    copy.write(record_no, record_json(record))
            landed = copy.rows
            batch.close_copies()  # the rows are in; the file's own row comes next
        except BadFile as problem:
            batch.restart()
            text = json.dumps(
                {"file": item.file, "sha256": sha, "size": len(item.data)}, ensure_ascii=False
            )
            batch.reject(text, problem.reason, problem.detail)
            _record_file(data, item, sha, batch.id, "quarantined", problem.reason, None, 0)
            batch.succeed(reported=1, landed=0)
            log.warning("%s: %s quarantined: %s", item.source, item.file, problem.reason)
            return {"status": "quarantined", "reason": problem.reason, "batch_id": batch.id}
        _record_file(data, item, sha, batch.id, "loaded", None, table.columns, landed)
        batch.succeed(reported=landed + len(batch.rejected), landed=landed)
    return {
        "status": "loaded",
        "batch_id": batch.id,
        "rows": landed,
        "rows_quarantined": len(batch.rejected),
    }


def _record_file(
    conn: psycopg.Connection,
    item: FileToLand,
    sha: str,
    batch_id: int,
    status: str,
    reason: str | None,
    columns: dict[str, str] | None,
    rows: int,
) -> None:
    conn.execute(
        "insert into meta.loaded_file (source, entity, agency_code, file, school_code,"
        " school_year, term, changed_at, sha256, size_bytes, batch_id, status, reason,"
        " columns, rows_landed) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        " %s, %s) on conflict do nothing",
        (
            item.source,
            item.entity,
            item.agency_code,
            item.file,
            item.school_code,
            item.school_year,
            item.term,
            item.changed_at,
            sha,
            len(item.data),
            batch_id,
            status,
            reason,
            json.dumps(columns, ensure_ascii=False) if columns is not None else None,
            rows,
        ),
    )


def _summary(source: str, run_id: str) -> dict[str, Any]:
    return {
        "source": source,
        "run_id": run_id,
        "files_seen": 0,
        "files_unchanged": 0,
        "files_loaded": 0,
        "files_quarantined": 0,
        "rows_landed": 0,
        "rows_quarantined": 0,
        "quarantined_by_reason": {},
        "loaded": [],
    }


def _is_new(summary: dict[str, Any], landed: bool) -> bool:
    """A file seen is counted (unchanged when ``landed`` already): whether to land it."""
    summary["files_seen"] += 1
    summary["files_unchanged"] += int(landed)
    return not landed


def _count(summary: dict[str, Any], file: str, result: dict[str, Any]) -> None:
    if result["status"] == "loaded":
        summary["files_loaded"] += 1
        summary["rows_landed"] += result["rows"]
        summary["rows_quarantined"] += result["rows_quarantined"]
        summary["loaded"].append(file)
    else:
        summary["files_quarantined"] += 1
        reasons = Counter(summary["quarantined_by_reason"])
        reasons[result["reason"]] += 1
        summary["quarantined_by_reason"] = dict(reasons)


def _logged(summary: dict[str, Any]) -> tuple:
    """The counts a night's log line gives, in its order."""
    keys = ("files_seen", "files_unchanged", "files_loaded", "rows_landed", "files_quarantined")
    return (*(summary[key] for key in keys), summary["quarantined_by_reason"])


# ---------------------------------------------------------------------------- csdl.moet
def land_moet_night(settings: Settings, night) -> dict:
    """The moet_school_db DAG's task (eduwh.airflow.dags.source_dag): the exports of the
    school year asked for, else of the night's as-of day — for a predecessor extracted
    after its end, of its last day (its Department exported nothing later; its schools'
    later years come under the successor's code, contracts/agencies.md)."""
    year = night.params.get("school_year") or school_year_of(_agency_day(settings, night.as_of))
    summary = extract_load_moet(settings, school_year=year, run_id=night.run_id)
    summary.pop("loaded", None)  # the file names: counts are enough in XCom
    return summary


def _agency_day(settings: Settings, day):
    """``day``, or the agency's last day when the register ends it earlier."""
    valid_to = registered(register_of(settings), settings.agency.code).valid_to
    return min(day, valid_to) if valid_to is not None else day


def land_sis_night(settings: Settings, night) -> dict:
    """The sis_exports DAG's task: the deliveries dropped before the night's end."""
    summary = load_sis(settings, until=night.end, run_id=night.run_id)
    summary.pop("loaded", None)
    return summary


def extract_load_moet(
    settings: Settings,
    *,
    school_year: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    department_code: str | None = None,
    run_id: str | None = None,
) -> dict:
    """Land the changed export files of ``school_year`` (default ``MOET_SCHOOL_YEAR`` or the
    school year running today). Returns counts and the names of the files landed."""
    base_url = base_url or _setting(settings, "moet_base_url", "MOET_BASE_URL")
    api_key = api_key or _setting(settings, "moet_api_key", "MOET_API_KEY")
    if not base_url:
        raise ValueError("MOET_BASE_URL is not set (no csdl.moet to extract from)")
    agency = settings.agency
    department_code = department_code or agency.moet_department_code
    school_year = school_year or settings.moet_school_year or current_school_year()
    run_id = run_id or f"moet-{uuid.uuid4().hex[:12]}"
    source = csdl_moet.SOURCE
    summary = _summary(source, run_id)
    summary["school_year"] = school_year
    client = csdl_moet.make_client(base_url, api_key or "")
    with client, nightly.landing(settings, source) as (book, data, abandoned):
        summary["abandoned"] = abandoned
        exports = csdl_moet.list_exports(client, department_code, school_year)
        exports.sort(key=lambda e: (csdl_moet.KINDS.index(e.loai), e.file))
        landed = _landed(book, source, agency.code)
        for export in exports:
            if not _is_new(summary, (export.file, export.nam_hoc, export.sha256) in landed):
                continue
            content = csdl_moet.download(client, export)
            spec = csdl_moet.COLUMNS[export.loai]
            item = FileToLand(
                source=source,
                entity=export.loai,
                table=MOET_TABLES[export.loai],
                file=export.file,
                agency_code=agency.code,
                school_code=export.ma_truong,
                school_year=export.nam_hoc,
                changed_at=_aware(export.cap_nhat_luc),
                data=content,
                read=lambda b, spec=spec, name=export.file: _read_moet(b, spec, name),
                key_column=csdl_moet.KEY_COLUMN[export.loai],
            )
            _count(summary, export.file, _land(book, data, item, run_id))
    summary["http_calls"] = client.calls
    log.info(
        "csdl_moet %s: %d files listed, %d unchanged, %d loaded (%d rows), %d quarantined %s",
        school_year,
        *_logged(summary),
    )
    return summary


def _read_moet(data: bytes, spec, name: str) -> Table:
    from eduwh.extract.tabular import read_xlsx

    return read_xlsx(data, spec, source=name)


def _aware(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN)


def current_school_year(today: datetime | None = None) -> str:
    """The school year of ``today`` (default: now in Vietnam); eduwh.school_year."""
    return school_year_of((today or datetime.now(VN)).date())


# ---------------------------------------------------------------------------- SIS
def load_sis(
    settings: Settings,
    *,
    drop_dir: str | Path | None = None,
    until: datetime | None = None,
    run_id: str | None = None,
) -> dict:
    """Land the deliveries of the drop folder not landed yet (delivered before ``until``,
    naive = Vietnam local time, when given)."""
    drop_dir = drop_dir or _setting(settings, "sis_drop_dir", "SIS_DROP_DIR")
    if not drop_dir:
        raise ValueError("SIS_DROP_DIR is not set (no drop folder to read)")
    drop_dir = Path(drop_dir)
    if not drop_dir.is_dir():
        raise FileNotFoundError(f"SIS_DROP_DIR {drop_dir} is not a folder")
    if until is not None and until.tzinfo is not None:
        until = until.astimezone(VN).replace(tzinfo=None)
    agency = settings.agency
    run_id = run_id or f"sis-{uuid.uuid4().hex[:12]}"
    source = sis.SOURCE
    summary = _summary(source, run_id)
    deliveries, strangers = sis.scan(drop_dir)
    with nightly.landing(settings, source) as (book, data, abandoned):
        summary["abandoned"] = abandoned
        landed_names = {file for file, _, _ in _landed(book, source, agency.code)}
        owner = _school_owner(book, settings, agency.code)
        for delivery in deliveries:
            if until is not None and delivery.delivered_at >= until:
                continue
            if owner(delivery.ma_truong, delivery.nam_hoc) != agency.code:
                continue  # another agency's school in a shared drop folder
            if not _is_new(summary, delivery.file in landed_names):
                continue
            stamp = delivery.delivered_at.replace(tzinfo=VN)
            item = FileToLand(
                source=source,
                entity=delivery.vendor,
                table=SIS_TABLES[delivery.vendor],
                file=delivery.file,
                agency_code=agency.code,
                school_code=delivery.ma_truong,
                school_year=delivery.nam_hoc,
                term=delivery.hoc_ky,
                changed_at=stamp,
                data=delivery.path.read_bytes(),
                read=lambda b, d=delivery: sis.read(d, b),
                key_column="MaHocSinh",
                delivered_at=stamp,
            )
            _count(summary, delivery.file, _land(book, data, item, run_id))
        for path in strangers if owner(None, None) == agency.code else ():
            name = f"{path.parent.name}/{path.name}"
            if not _is_new(summary, name in landed_names):
                continue
            item = FileToLand(
                source=source,
                entity=path.parent.name,
                table=SIS_TABLES[path.parent.name],
                file=name,
                agency_code=agency.code,
                data=path.read_bytes(),
                read=_bad_name,
                key_column="MaHocSinh",
            )
            _count(summary, name, _land(book, data, item, run_id))
    log.info(
        "sis: %d files seen, %d already landed, %d loaded (%d rows), %d quarantined %s",
        *_logged(summary),
    )
    return summary


def _school_owner(
    book: psycopg.Connection, settings: Settings, code: str
) -> Callable[[str | None, str | None], str]:
    """Which agency a delivery of a drop folder belongs to, by its school (and year).

    A drop folder (one SIS instance) may serve several agencies of the register (the
    contract's example: both use SIS). Then the school register decides: the agency whose
    csdl.moet files of that school landed (meta.loaded_file), of that school year, else
    of any year (the latest); a school no agency lists yet, and a file whose name says no
    school, belong to the agency that no other succeeds (after a merger: the successor).
    A folder of one agency is all that agency's (no lookup)."""
    register = register_of(settings)
    sharing = [e for e in register if e.sources.get("sis") == settings.source_instance]
    if len(sharing) <= 1:
        return lambda school, year: code
    codes = [entry.code for entry in sharing]
    head = next((e.code for e in sharing if e.successor is None), codes[0])
    rows = book.execute(
        "select school_code, school_year, agency_code from meta.loaded_file"
        " where source = %s and agency_code = any(%s) and school_code is not null"
        " order by loaded_at",
        (csdl_moet.SOURCE, codes),
    ).fetchall()
    by_year = {(school, year): owner for school, year, owner in rows}
    latest = {school: owner for school, _, owner in rows}

    def owner(school: str | None, year: str | None) -> str:
        return by_year.get((school, year)) or latest.get(school) or head

    return owner


def _bad_name(data: bytes) -> Table:
    raise BadFile("bad_file_name", "not {ma_truong}_{nam_hoc}_HK{1|2}_{yyyyMMddHHmm}")


__all__ = ["canonical", "current_school_year", "extract_load_moet", "load_sis"]
