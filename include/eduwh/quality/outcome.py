"""The checkpoint's outcome as the warehouse recorded it, and the report's guard on it.

Apart from checkpoint.py, which runs Great Expectations: reading an outcome needs only
the quality schema, so `eduwh report` and the Airflow plugin do not import GX (some
3 s of every report asked).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from eduwh import warehouse
from eduwh.config import Settings

log = logging.getLogger(__name__)

TRANSFORMER = "eduwh_transformer"
CRITICAL, WARNING = "critical", "warning"  # an expectation's severity


@dataclass(frozen=True)
class CheckpointOutcome:
    run_id: str
    success: bool
    failed: list[str]
    warnings: list[str]
    notes: list[str] = field(default_factory=list)  # suites skipped (tables absent)
    started_at: datetime | None = None


class ChecksFailed(RuntimeError):
    """The latest quality checkpoint failed (or never ran); the message names the checks."""

    def __init__(self, message: str, outcome: CheckpointOutcome | None = None):
        super().__init__(message)
        self.outcome = outcome


def describe(row: dict) -> str:
    """How a failed expectation is named to people: suite, asset, type, what it checks."""
    what = row.get("description") or row.get("column_name") or ""
    text = f"{row['suite']} [{row['asset']}] {row['expectation_type']}"
    if what:
        text += f": {what}"
    if row.get("observed_value"):
        text += f" (observed {row['observed_value']})"
    if row.get("exception"):
        text += f" (error: {row['exception'][:200]})"
    return text


def latest_outcome(settings: Settings) -> CheckpointOutcome | None:
    """The outcome of the latest checkpoint run, from the quality schema; None if none ran."""
    with warehouse.connect(settings, TRANSFORMER) as conn:
        exists = conn.execute("select to_regclass('quality.checkpoint_run')").fetchone()[0]
        if exists is None:
            return None
        run = conn.execute(
            "select run_id, success, notes, started_at from quality.checkpoint_run"
            " order by started_at desc, run_id desc limit 1"
        ).fetchone()
        if run is None:
            return None
        run_id, success, notes, started_at = run
        cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
        rows = cursor.execute(
            "select suite, asset, expectation_type, column_name, description, success,"
            " severity, observed_value, exception from quality.expectation_result"
            " where run_id = %s and not success order by suite, expectation_no",
            (run_id,),
        ).fetchall()
    failed = [describe(r) for r in rows if r["severity"] != WARNING]
    warnings = [describe(r) for r in rows if r["severity"] == WARNING]
    return CheckpointOutcome(run_id, bool(success), failed, warnings, list(notes or []), started_at)


def guard(settings: Settings, allow_failed_checks: bool) -> tuple[str, bool]:
    """(checkpoint_status, unchecked) for a report about to be published.

    "passed": the latest checkpoint succeeded -> ("passed", False).
    "failed" / "not_run": raises ChecksFailed naming the failed expectations, unless
    `allow_failed_checks`, in which case the output is to be marked unchecked.
    """
    outcome = latest_outcome(settings)
    if outcome is not None and outcome.success:
        return "passed", False
    if outcome is None:
        status = "not_run"
        message = (
            "no quality checkpoint has run on this warehouse: run a night (`eduwh run`, its"
            " warehouse DAG runs the checkpoint) before publishing the report"
        )
    else:
        status = "failed"
        shown = outcome.failed[:20]
        more = len(outcome.failed) - len(shown)
        message = (
            f"quality checkpoint {outcome.run_id} failed: "
            f"{len(outcome.failed)} expectation(s) failed:\n"
            + "\n".join(f"  - {line}" for line in shown)
            + (f"\n  ... and {more} more (see quality.expectation_result)" if more else "")
        )
    if allow_failed_checks:
        log.warning("%s; publishing UNCHECKED (--allow-failed-checks)", message)
        return status, True
    raise ChecksFailed(
        message + "\nuse --allow-failed-checks to publish it marked unchecked", outcome
    )
