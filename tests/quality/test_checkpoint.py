"""The GX checkpoint over a warehouse built the real way, and the report's guard.

A clean build passes; year-over-year movement beyond the band is a warning that does not
fail the checkpoint; a dossier corrupted in `raw` breaks an identity of
rpt_dossier_figures after a rebuild, the build's dbt test fails, the checkpoint reports
that failure naming the rule (from dbt's run_results.json), and the guard refuses to
publish (or marks the report unchecked when allowed).
"""

from __future__ import annotations

import subprocess

import pytest

from eduwh import warehouse
from eduwh.config import PROJECT_ROOT
from eduwh.quality import ChecksFailed, guard, latest_outcome, run_checkpoint
from tests.report.warehouse_build import BUILD_SELECT, DBT_VARS

IDENTITY = "procedures with_bcci_dossiers <= total"


def _repo_gx_state() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--ignored", "include/gx"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_guard_refuses_before_any_checkpoint(fresh_settings):
    assert latest_outcome(fresh_settings) is None
    with pytest.raises(ChecksFailed, match="no quality checkpoint has run"):
        guard(fresh_settings, allow_failed_checks=False)
    assert guard(fresh_settings, allow_failed_checks=True) == ("not_run", True)


def test_clean_build_passes_and_is_recorded(clean_build, monkeypatch):
    before = _repo_gx_state()
    outcome = run_checkpoint(clean_build)
    assert outcome.success, outcome.failed
    assert outcome.failed == [] and outcome.warnings == []
    # absent sources are skipped with a note, never failed
    assert any("rpt_sis_reconciliation" in note for note in outcome.notes)
    assert guard(clean_build, allow_failed_checks=False) == ("passed", False)
    assert latest_outcome(clean_build).run_id == outcome.run_id

    with warehouse.connect(clean_build, "eduwh_transformer") as conn:
        run = conn.execute(
            "select success, suites_run, expectations_evaluated, expectations_failed"
            " from quality.checkpoint_run where run_id = %s",
            (outcome.run_id,),
        ).fetchone()
        suites = {
            row[0]
            for row in conn.execute(
                "select distinct suite from quality.expectation_result where run_id = %s",
                (outcome.run_id,),
            )
        }
        owner = conn.execute(
            "select tableowner from pg_tables where schemaname = 'quality'"
            " and tablename = 'expectation_result'"
        ).fetchone()[0]
    assert run[0] is True and run[1] >= 10 and run[2] >= 40 and run[3] == 0
    assert {
        "raw.completeness",
        "movement.headline_yoy",
        # the build's dbt tests, reported (keys, identities), not run again
        "dbt.fct_dossier",
        "dbt.dim_procedure",
        "dbt.rpt_dossier_figures",
        "dbt.rpt_manual_figures",
    } <= suites
    assert owner == "eduwh_transformer"
    assert (clean_build.home / "data_docs" / "index.html").exists()
    assert _repo_gx_state() == before  # nothing written into the repository

    # A previous year's row that moves every headline figure by -50 % is a warning only.
    with warehouse.connect(clean_build, "eduwh_transformer") as conn:
        columns = [
            name
            for (name,) in conn.execute(
                "select column_name from information_schema.columns where table_schema = 'marts'"
                " and table_name = 'rpt_dossier_figures' order by ordinal_position"
            )
        ]
        doubled = ", ".join(
            "report_year - 1"
            if name == "report_year"
            else "(as_of_date - interval '1 year')::date"
            if name == "as_of_date"
            else f"{name} * 2"
            if name.startswith(("dossiers_", "procedures_")) and "_pct_" not in name
            else name
            for name in columns
        )
        conn.execute(
            f"insert into marts.rpt_dossier_figures ({', '.join(columns)})"
            f" select {doubled} from marts.rpt_dossier_figures"
        )
    monkeypatch.setenv("EDUWH_QUALITY_YOY_BAND_PCT", "20")
    moved = run_checkpoint(clean_build)
    assert moved.success, moved.failed
    assert moved.warnings and all("movement.headline_yoy" in w for w in moved.warnings)
    assert guard(clean_build, allow_failed_checks=False) == ("passed", False)


def test_corrupted_dossier_breaks_an_identity_and_the_report_refuses(corrupted_build):
    from eduwh.warehouse.dbt import DbtError, run_dbt

    assert run_checkpoint(corrupted_build).success
    # 45 BCCI dossiers get procedure codes that are in no catalogue (as if the portal sent
    # them past the loader's check): after a rebuild more procedures have BCCI dossiers
    # than the catalogue holds.
    with warehouse.connect(corrupted_build) as conn:
        conn.execute("""
            with picked as (
                select code, row_number() over (order by code) as n from (
                    select distinct record ->> 'MaHoSo' as code from raw.motcua__hoso
                    where record ->> 'KenhThucHien' = '3'
                      and record ->> 'NgayTiepNhan' like '2019%'
                ) as codes order by code limit 45
            )
            update raw.motcua__hoso as hoso
            set record = jsonb_set(
                hoso.record, '{MaTTHC}', to_jsonb('9.90' || lpad(n::text, 4, '0')))
            from picked where hoso.record ->> 'MaHoSo' = picked.code
        """)
    run_dbt(corrupted_build, ["run", "--select", *BUILD_SELECT, "--vars", DBT_VARS])
    with warehouse.connect(corrupted_build, "eduwh_reader") as conn:
        with_bcci, total = conn.execute(
            "select procedures_with_bcci_dossiers, procedures_total"
            " from marts.rpt_dossier_figures where as_of_date = '2019-12-06'"
        ).fetchone()
    assert with_bcci > total  # the corruption really breaks the identity
    # The build's tests find it (a test run, as the build's second half).
    with pytest.raises(DbtError, match="expression_is_true_rpt_dossier_figures"):
        run_dbt(corrupted_build, ["test", "--select", *BUILD_SELECT, "--vars", DBT_VARS])

    outcome = run_checkpoint(corrupted_build)
    assert not outcome.success
    assert any(IDENTITY in line and "dbt.rpt_dossier_figures" in line for line in outcome.failed), (
        outcome.failed
    )
    with pytest.raises(ChecksFailed) as refused:
        guard(corrupted_build, allow_failed_checks=False)
    assert IDENTITY in str(refused.value) and outcome.run_id in str(refused.value)
    assert "--allow-failed-checks" in str(refused.value)
    assert guard(corrupted_build, allow_failed_checks=True) == ("failed", True)
    with warehouse.connect(corrupted_build, "eduwh_transformer") as conn:
        row = conn.execute(
            "select expectation_type, severity, observed_value from quality.expectation_result"
            " where run_id = %s and description = %s",
            (outcome.run_id, IDENTITY),
        ).fetchone()
    assert row == ("dbt_test:expression_is_true", "critical", "1")  # one row breaks it
