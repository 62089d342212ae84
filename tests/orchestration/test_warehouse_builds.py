"""builds.decide: a night builds the warehouse again unless nothing it is made of changed.

A real database (its own), the builds recorded by the functions the warehouse DAG calls
(begin, succeed), a real checkpoint row and a published figures.json; each test changes
one input and the night must build. The nights themselves (Airflow, dbt) are in
tests/e2e/test_main_job.py: a second night with nothing new, and one after a new row.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime

import pytest

from eduwh import warehouse
from eduwh.land import ensure_landing_tables
from eduwh.quality.checkpoint import QUALITY_DDL, TRANSFORMER
from eduwh.warehouse import builds

AS_OF = date(2019, 12, 6)
AGENCY = "000.23.34.H48"
_checkpoints = iter(range(1, 1_000))


def _checkpoint(settings, success: bool = True) -> str:
    run_id = f"ckpt-test-{next(_checkpoints)}"
    with warehouse.connect(settings, TRANSFORMER) as conn:
        conn.execute(
            "insert into quality.checkpoint_run (run_id, checkpoint_name, started_at, success,"
            " suites_run, expectations_evaluated, expectations_failed, warnings)"
            " values (%s, 'eduwh_nightly', %s, %s, 1, 1, 0, 0)",
            (run_id, datetime.now(UTC), success),
        )
    return run_id


def _build(settings, as_of: date = AS_OF, agency: str = AGENCY) -> None:
    """A build as the warehouse DAG records one: begun, checked, published, succeeded."""
    builds.begin(settings, f"run-{as_of}", as_of)
    _checkpoint(settings)
    folder = settings.home / "reports" / as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    figures = {"agency": {"code": agency}, "as_of": as_of.isoformat(), "dossiers": {}}
    (folder / "figures.json").write_text(json.dumps(figures))
    latest = settings.home / "reports" / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(folder.name)
    builds.succeed(settings, f"run-{as_of}", folder)


def _batch(settings, status: str = "succeeded") -> None:
    with warehouse.connect(settings, role="eduwh_loader", autocommit=True) as conn:
        conn.execute(
            "insert into meta.batch (source, entity, status, rows_reported, rows_landed,"
            " rows_quarantined) values ('motcua', 'hoso', %s, 0, 0, 0)",
            (status,),
        )


@pytest.fixture
def built(fresh_settings, tmp_path):
    """A warehouse whose last build (as of AS_OF) succeeded and published its report."""
    settings = dataclasses.replace(fresh_settings, home=tmp_path / "home")
    ensure_landing_tables(settings)
    with warehouse.connect(settings, TRANSFORMER) as conn:
        for ddl in QUALITY_DDL:
            conn.execute(ddl)
    _batch(settings)  # what the build was made of
    _build(settings)
    return settings


def test_nothing_new_needs_no_build(built):
    decision = builds.decide(built, AS_OF, AGENCY)
    assert not decision.build, decision.reason
    assert decision.report == (built.home / "reports" / "2019-12-06").resolve()
    assert decision.published_at is not None


def test_a_new_batch_builds_whatever_it_landed(built):
    _batch(built, status="failed")  # rpt_source_freshness counts failed batches too
    assert builds.decide(built, AS_OF, AGENCY).build
    _build(built)
    assert not builds.decide(built, AS_OF, AGENCY).build


def test_a_batch_still_running_at_the_build_is_new_afterwards(built):
    _batch(built, status="running")
    _build(built)  # began while the batch ran: it landed after the build saw raw
    assert builds.decide(built, AS_OF, AGENCY).build


def test_another_as_of_date_builds(built):
    assert builds.decide(built, date(2019, 12, 5), AGENCY).build


def test_another_agency_builds(built):
    assert builds.decide(built, AS_OF, "000.31.62.H34").build


def test_a_build_that_did_not_end_builds_again(built):
    builds.begin(built, "run-failed", AS_OF)  # dbt or the checkpoint failed: never succeeded
    assert builds.decide(built, AS_OF, AGENCY).build


def test_a_later_checkpoint_that_failed_builds(built):
    _checkpoint(built, success=False)
    assert builds.decide(built, AS_OF, AGENCY).build


def test_a_changed_register_builds(built):
    with warehouse.connect(built, role="eduwh_loader", autocommit=True) as conn:
        conn.execute(
            "insert into meta.agency (agency_code, agency_name) values (%s, 'Sở GDĐT Kon Tum')",
            ("000.31.62.H34",),
        )
    assert builds.decide(built, AS_OF, AGENCY).build


def test_a_register_written_again_unchanged_needs_no_build(built):
    """A night with a register file writes it every time (registered_at moves)."""
    with warehouse.connect(built, role="eduwh_loader", autocommit=True) as conn:
        conn.execute(
            "insert into meta.agency (agency_code, agency_name) values (%s, 'Sở GDĐT Kon Tum')",
            ("000.31.62.H34",),
        )
    _build(built)
    with warehouse.connect(built, role="eduwh_loader", autocommit=True) as conn:
        conn.execute("update meta.agency set registered_at = now() + interval '1 hour'")
    assert not builds.decide(built, AS_OF, AGENCY).build


def test_a_build_of_another_dbt_project_builds(built):
    with warehouse.connect(built, role="eduwh_loader", autocommit=True) as conn:
        conn.execute("update meta.warehouse_build set dbt_project = 'another-project'")
    decision = builds.decide(built, AS_OF, AGENCY)
    assert decision.build and "dbt project" in decision.reason


def test_a_published_report_of_another_date_builds(built):
    """The report another run published since (an old night re-run by its date)."""
    latest = built.home / "reports" / "latest"
    latest.unlink()
    (built.home / "reports" / "2019-12-03").mkdir()
    latest.symlink_to("2019-12-03")
    assert builds.decide(built, AS_OF, AGENCY).build
