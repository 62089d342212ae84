"""The layout of a sandbox data set (contracts/sandbox_dataset.md), shared by every source.

A data set is a folder::

    DIR/dataset.json        name, agency, department_code, year, as_of, school_year
    DIR/<source>/...        one folder per source system (motcua/, eoffice/, ...)
    DIR/expected.json       optional: the figures in the shape of report_figures.md

This module only reads and writes those files; it knows nothing about a source.
Writing is deterministic: the same records give the same bytes (UTF-8, ``\\n`` line
ends, keys in insertion order, no wall-clock value anywhere).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

DATASET_FILE = "dataset.json"
EXPECTED_FILE = "expected.json"
SOURCES = ("motcua", "eoffice", "csdl_moet", "sis")


def dumps_line(record: dict[str, Any]) -> str:
    """One JSON line as stored in a ``*.jsonl`` file (compact, UTF-8 kept as is)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode("utf-8"))


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [dumps_line(r) for r in records]
    path.write_bytes(("".join(line + "\n" for line in lines)).encode("utf-8"))
    return len(lines)


def read_jsonl_lines(path: Path) -> list[str]:
    """The non-empty lines of a jsonl file, exactly as stored."""
    text = path.read_bytes().decode("utf-8")
    return [line for line in text.split("\n") if line.strip()]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in read_jsonl_lines(path)]


def read_dataset_json(data_dir: Path) -> dict[str, Any]:
    path = Path(data_dir) / DATASET_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_dataset_json(out_dir: Path, meta: dict[str, Any]) -> None:
    write_json(Path(out_dir) / DATASET_FILE, meta)


def sources_present(data_dir: Path) -> list[str]:
    return [s for s in SOURCES if (Path(data_dir) / s).is_dir()]


def default_clock(meta: dict[str, Any]) -> datetime | None:
    """End of the ``as_of`` day, local time (the sandbox's default clock)."""
    as_of = meta.get("as_of")
    if not as_of:
        return None
    return datetime.combine(date.fromisoformat(as_of), time(23, 59, 59))


def pct(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage from 0 to 100 with one decimal (half up); None when unknown."""
    if numerator is None or not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


DOSSIER_KEYS = (  # the dossiers section of report_figures.md, in its order
    "received",
    "received_new",
    "carried_over",
    "received_online",
    "received_direct",
    "received_bcci",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_early_or_on_time",
    "resolved_late",
    "in_progress",
    "in_progress_within_due",
    "in_progress_overdue",
    "withdrawn",
    "stopped",
    "returned_via_bcci",
    "pct_resolved_early_or_on_time",
    "pct_received_bcci",
)
DOCUMENT_KEYS = (  # the documents section of report_figures.md, in its order
    "incoming",
    "outgoing",
    "secret_excluded",
    "incoming_signed",
    "outgoing_signed",
    "pct_incoming_signed",
    "pct_outgoing_signed",
    "via_axis",
    "processed_on_time",
)


def empty_expected(meta: dict[str, Any]) -> dict[str, Any]:
    """The report_figures.md shape with every figure unknown (``null``)."""
    return {
        "agency": dict(meta["agency"]),
        "year": meta["year"],
        "as_of": meta["as_of"],
        "procedures": dict.fromkeys(
            [
                "total",
                "online_level_3",
                "online_level_4",
                "with_dossiers",
                "online_with_dossiers",
                "bcci_enabled",
                "with_bcci_dossiers",
            ]
        ),
        "dossiers": dict.fromkeys(DOSSIER_KEYS),
        "documents": dict.fromkeys(DOCUMENT_KEYS),
        "schools": dict.fromkeys(
            [
                "school_year",
                "schools",
                "classes",
                "students",
                "teachers",
                "schools_on_smas",
                "schools_on_vnedu",
                "students_matched_pct",
            ]
        ),
        "manual": dict.fromkeys(
            [
                "portal_posts_previous_year",
                "portal_posts",
                "email_accounts",
                "ict_staff",
                "internet_lines",
            ]
        ),
        "quality": {"checkpoint": None, "quarantined_rows": None, "run_id": None},
    }


# Public holidays of Vietnam in the data sets' years: no office work on them.
HOLIDAYS = {
    date(2018, 9, 3),
    date(2018, 12, 31),
    date(2019, 1, 1),
    *(date(2019, 2, d) for d in range(4, 9)),
    date(2019, 4, 15),
    date(2019, 4, 29),
    date(2019, 4, 30),
    date(2019, 5, 1),
    date(2019, 9, 2),
    date(2020, 1, 1),
}


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


# ``is_working``: the calendar (default the 2019 one above; the 2025 data set passes its own).
def add_working_days(d: date, n: int, is_working: Callable[[date], bool] = is_working_day) -> date:
    while n > 0:
        d += timedelta(days=1)
        if is_working(d):
            n -= 1
    return d


def working_days_between(
    start: date, end: date, is_working: Callable[[date], bool] = is_working_day
) -> list[date]:
    out, d = [], start
    while d <= end:
        if is_working(d):
            out.append(d)
        d += timedelta(days=1)
    return out
