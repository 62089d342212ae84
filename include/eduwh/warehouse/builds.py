"""The warehouse builds (meta.warehouse_build) and the rule whether a night needs one.

The warehouse DAG records, when its build begins (:func:`begin`), what the build is
made of: the as-of date, the dbt project's hash, how far the batch ledger had landed,
the agency register; and once the report is published after a passed checkpoint, that
the build succeeded (:func:`succeed`). `eduwh run` asks :func:`decide` before it runs the
warehouse DAG: a night with nothing new since the last build reprints its figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from eduwh import warehouse
from eduwh.config import Settings

LOADER = "eduwh_loader"
TRANSFORMER = "eduwh_transformer"  # owns the quality schema

# How far the ledger had landed: every batch up to this id had ended (a batch still
# running lands after the build began, so the build is below it); and the agency
# register as dim_agency reads it (registered_at moves with every night of a register
# file, the register's facts do not).
_INPUTS = """
select
    coalesce(
        (select min(batch_id) - 1 from meta.batch where status = 'running'),
        (select max(batch_id) from meta.batch),
        0
    ),
    md5(coalesce(
        (select string_agg((to_jsonb(a) - 'registered_at')::text, ',' order by a.agency_code)
         from meta.agency a),
        ''
    ))
"""


@dataclass(frozen=True)
class Decision:
    """Whether a night builds; `reason` says why (or why not) in a few words."""

    build: bool
    reason: str
    published_at: datetime | None = None  # the last build's, when it is not built again
    report: Path | None = None


def begin(settings: Settings, run_id: str | None, as_of: date) -> int:
    """The build of `as_of` begins (before dbt runs): its row, `running`, with its inputs."""
    from eduwh.warehouse.dbt import project_hash

    with warehouse.connect(settings, role=LOADER, autocommit=True) as conn:
        with conn.transaction():
            landed_through, agencies = conn.execute(_INPUTS).fetchone()
            return conn.execute(
                "insert into meta.warehouse_build"
                " (run_id, as_of, dbt_project, landed_through, agencies, status)"
                " values (%s, %s, %s, %s, %s, 'running') returning build_id",
                (run_id, as_of, project_hash(), landed_through, agencies),
            ).fetchone()[0]


def succeed(settings: Settings, run_id: str | None, report: Path) -> None:
    """The run's build published `report` after the checkpoint (the latest) passed."""
    checkpoint_run_id, _ = latest_checkpoint(settings)
    with warehouse.connect(settings, role=LOADER, autocommit=True) as conn:
        conn.execute(
            "update meta.warehouse_build set status = 'succeeded', finished_at = now(),"
            " checkpoint_run_id = %s, report = %s where build_id = ("
            "  select max(build_id) from meta.warehouse_build"
            "  where run_id is not distinct from %s and status = 'running')",
            (checkpoint_run_id, str(report), run_id),
        )


def latest_checkpoint(settings: Settings) -> tuple[str | None, bool]:
    """(run id, success) of the latest checkpoint run; (None, False) when none ran. The
    row eduwh.quality.latest_outcome starts from, read here without importing
    eduwh.quality, which imports Great Expectations (some 5 s a night that builds nothing)."""
    with warehouse.connect(settings, role=TRANSFORMER) as conn:
        if conn.execute("select to_regclass('quality.checkpoint_run')").fetchone()[0] is None:
            return None, False
        run = conn.execute(
            "select run_id, success from quality.checkpoint_run"
            " order by started_at desc, run_id desc limit 1"
        ).fetchone()
    return (run[0], bool(run[1])) if run else (None, False)


def decide(settings: Settings, as_of: date, agency_code: str) -> Decision:
    """Does the night of `as_of` need a warehouse build? (the one place that says)

    A build makes the marts from what had landed, the agency register and the dbt
    project as they were when it began, for one as-of date; its report is published only
    after its checkpoint passed. So when no batch began since the last build (a failed
    or wholly quarantined one counts too: rpt_source_freshness and
    rpt_quarantine_summary read every batch), the register and the dbt project are
    unchanged, and that build was of the same as-of date, succeeded (a failed or
    interrupted one may have left the marts half-built) and published this agency's
    report after the checkpoint that is still the latest, passed, a new build would
    make the same marts and publish the same figures: the night reprints them instead.
    Anything else builds."""
    from eduwh.report.publish import latest_published
    from eduwh.warehouse.dbt import project_hash

    with warehouse.connect(settings, role=LOADER) as conn:
        if conn.execute("select to_regclass('meta.warehouse_build')").fetchone()[0] is None:
            return Decision(True, "no build recorded yet")
        last = conn.execute(
            "select build_id, as_of, dbt_project, landed_through, agencies, status,"
            " checkpoint_run_id, finished_at from meta.warehouse_build"
            " order by build_id desc limit 1"
        ).fetchone()
        if last is None:
            return Decision(True, "no build recorded yet")
        build_id, built_as_of, dbt_project, landed_through, agencies, status = last[:6]
        checkpoint_run_id, finished_at = last[6:]
        if status != "succeeded":
            return Decision(True, f"the last build ({build_id}) did not succeed")
        if built_as_of != as_of:
            return Decision(True, f"the last build was as of {built_as_of}")
        new = conn.execute(
            "select count(*) from meta.batch where batch_id > %s", (landed_through,)
        ).fetchone()[0]
        if new:
            return Decision(True, f"{new} batch(es) since the last build")
        if conn.execute(_INPUTS).fetchone()[1] != agencies:
            return Decision(True, "the agency register changed")
    if dbt_project != project_hash():
        return Decision(True, "the dbt project changed")
    if latest_checkpoint(settings) != (checkpoint_run_id, True):
        return Decision(True, "the latest checkpoint is not the last build's passed one")
    report = latest_published(settings)
    figures = _figures(report)
    if (
        figures.get("as_of") != as_of.isoformat()
        or (figures.get("agency") or {}).get("code") != agency_code
    ):
        return Decision(True, f"the published report is not of {agency_code} as of {as_of}")
    return Decision(False, "nothing new since the last build", finished_at, report)


def _figures(report: Path | None) -> dict:
    """The published report's figures.json ({} when there is none, or it is unreadable)."""
    try:
        return json.loads((report / "figures.json").read_text("utf-8")) if report else {}
    except (OSError, ValueError):
        return {}
