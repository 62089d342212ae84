"""`eduwh run` end to end, through Airflow, on the built-in 2019 data set.

This is the one test that goes through Airflow for a whole night: the sandbox over
HTTP, the source DAG, the warehouse DAG with its Cosmos task groups, the figures.
The expected figures come from the data set's expected.json, which the generator
counts from its own records (those of the seed report, as of 2019-12-06).
"""

from __future__ import annotations

import json

import psycopg
import pytest
from tests.conftest import run_eduwh as _eduwh

pytestmark = pytest.mark.timeout(1200)


def test_figures_equal_the_data_sets_expected_figures(main_job_run):
    _, figures, expected = main_job_run
    for section in ("procedures", "dossiers", "documents", "schools"):
        assert figures[section] == expected[section], section
    # The seed report's own numbers, so a generator drift cannot hide a wrong warehouse.
    assert figures["dossiers"]["received"] == 655
    assert figures["dossiers"]["resolved"] == 599
    assert figures["procedures"]["total"] == 41


def test_the_2019_figures_are_unchanged_with_a_register_present(main_job_run, tmp_path):
    """contracts/agencies.md: a report for a period before a merger, asked after it, is
    unchanged by it. The 2019 report asked with a register where the Department is the
    successor of a Department merged in 2025 (issue 14's case) gives the night's figures,
    every section, and names no predecessor."""
    env, figures, _ = main_job_run
    code = figures["agency"]["code"]
    register = tmp_path / "agencies.yml"
    register.write_text(
        f"""
- code: {code}
  name: {figures["agency"]["name"]}
  valid_from: 2008-01-01
  sources: {{motcua: MOTCUA}}
- code: 000.31.62.H34
  name: Sở Giáo dục và Đào tạo Kon Tum
  valid_from: 2008-01-01
  valid_to: 2025-06-30
  successor: {code}
  sources: {{motcua: MOTCUA_KT}}
""",
        "utf-8",
    )
    asked = _eduwh(
        "report", "--agency", code, "--year", "2019", "--as-of", "2019-12-06", "--format", "json",
        env={**env, "EDUWH_AGENCIES_FILE": str(register),
             "MOTCUA_KT_BASE_URL": "http://127.0.0.1:9"},
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr[-3000:]
    again = json.loads(asked.stdout)
    for section in ("procedures", "dossiers", "documents", "schools", "manual"):
        assert again[section] == figures[section], section
    assert "covers" not in again and "of_which" not in again


def test_every_key_of_the_contract_is_present(main_job_run):
    _, figures, expected = main_job_run
    for section in ("procedures", "dossiers", "documents", "schools", "manual", "quality"):
        assert set(figures[section]) >= set(expected.get(section) or {}), section
    assert figures["agency"]["code"] == "000.23.34.H48"
    assert figures["year"] == 2019 and figures["as_of"] == "2019-12-06"


def test_manual_figures_are_the_seed_reports(main_job_run):
    """No source holds these: the reviewed input table gives the seed report's values
    (section 4: 400 accounts, 120 and 60 posts; section 6: 03 lines; section 7: 08 staff)."""
    _, figures, _ = main_job_run
    manual = figures["manual"]
    assert (manual["portal_posts_previous_year"], manual["portal_posts"]) == (120, 60)
    assert (manual["email_accounts"], manual["ict_staff"], manual["internet_lines"]) == (400, 8, 3)


def test_the_report_is_published_and_checked(main_job_run, settings):
    _, figures, _ = main_job_run
    assert figures["quality"]["checkpoint"] == "passed"
    latest = settings.home / "reports" / "latest"
    assert {"figures.json"} <= {path.name for path in latest.iterdir()}
    assert any(path.suffix == ".docx" for path in latest.iterdir())
    assert any(path.suffix == ".html" for path in latest.iterdir())


# The two nights below come before the tests after them, which publish an old night's
# report and plant a row that fails the build: they need the night's warehouse as built.
def _last_warehouse_run(settings) -> int:
    """The id of the latest warehouse DAG run (dag.test() replaces a run of the same
    logical date by a new one)."""
    import sqlite3

    with sqlite3.connect(settings.airflow_home / "airflow.db") as db:
        return db.execute(
            "select max(id) from dag_run where dag_id = 'eduwh_warehouse'"
        ).fetchone()[0]


def _night(env) -> tuple[dict, str]:
    again = _eduwh("run", "--as-of", "2019-12-06", env=env)
    assert again.returncode == 0, (again.stdout[-2000:], again.stderr[-5000:])
    return json.loads(again.stdout[again.stdout.rindex('{\n  "agency"') :]), again.stderr


def test_a_second_night_with_nothing_new_builds_nothing(main_job_run, settings):
    """Nothing landed since the night's build, of the same as-of date, checked: the
    warehouse DAG does not run, the terminal says so, stdout has the same figures (the
    same checkpoint run too)."""
    env, figures, _ = main_job_run
    run = _last_warehouse_run(settings)
    again, terminal = _night(env)
    assert again == figures
    assert "nothing new, the figures as of 2019-12-06 are unchanged, published at" in terminal
    assert _last_warehouse_run(settings) == run


def test_a_night_after_a_new_landed_row_builds(main_job_run, settings):
    """A dossier version the portal sent again (the same record in a new batch): the
    night builds, and its figures are the same (a new checkpoint run); the night after
    it builds nothing again."""
    env, figures, _ = main_job_run
    with psycopg.connect(env["WAREHOUSE_DSN"], autocommit=True) as conn:
        record, agency, instance, start, end = conn.execute(
            "select h.record, b.agency_code, b.source_instance, b.window_start, b.window_end"
            " from raw.motcua__hoso h join meta.batch b using (batch_id)"
            " where b.status = 'succeeded' order by h.batch_id desc, h.record_no limit 1"
        ).fetchone()
        (batch,) = conn.execute(
            "insert into meta.batch (source, entity, window_start, window_end, status,"
            " rows_reported, rows_landed, rows_quarantined, finished_at, run_id, agency_code,"
            " source_instance) values ('motcua', 'hoso', %s, %s, 'succeeded', 1, 1, 0, now(),"
            " 'test-sent-again', %s, %s) returning batch_id",
            (start, end, agency, instance),
        ).fetchone()
        conn.execute(
            "insert into raw.motcua__hoso (batch_id, record_no, record, window_start,"
            " window_end) values (%s, 1, %s, %s, %s)",
            (batch, json.dumps(record), start, end),
        )
    run = _last_warehouse_run(settings)
    built, terminal = _night(env)
    assert "nothing new" not in terminal
    assert "built: 1 batch(es) since the last build" in terminal
    assert _last_warehouse_run(settings) > run
    run = _last_warehouse_run(settings)
    assert built["quality"]["checkpoint"] == "passed"
    assert built["quality"]["run_id"] != figures["quality"]["run_id"]
    assert {**built, "quality": None} == {**figures, "quality": None}
    after, terminal = _night(env)
    assert "nothing new" in terminal and after == built
    assert _last_warehouse_run(settings) == run


def test_an_old_night_re_run_by_logical_date_publishes_that_night(main_job_run, settings):
    """The scheduler's way: the warehouse DAG of the 01:00 run of 4 December, re-run
    later, reports as of 3 December (not the wall clock's yesterday)."""
    env, _, _ = main_job_run
    night = "2019-12-04T01:00:00+07:00"
    rerun = _eduwh("airflow", "dags", "test", "eduwh_warehouse", night, env=env)
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    latest = json.loads((settings.home / "reports" / "latest" / "figures.json").read_text())
    assert latest["as_of"] == "2019-12-03"
    # fewer dossiers had been received by then than by the night of the first run
    assert latest["dossiers"]["received"] < 655


def test_the_build_runs_every_dbt_node_as_a_task(main_job_run, settings):
    """One dbt build (Cosmos WATCHER), a task per model, seed, snapshot and test: every
    node of the manifest has its task, and all of them succeeded in the night's run."""
    import sqlite3

    manifest = json.loads((settings.home / "dbt" / "target" / "manifest.json").read_text())
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    with sqlite3.connect(settings.airflow_home / "airflow.db") as db:
        rows = db.execute(
            "select task_id, state from task_instance where dag_id = 'eduwh_warehouse'"
            " and run_id = (select run_id from dag_run where dag_id = 'eduwh_warehouse'"
            " and logical_date like '2019-12-06%' order by id limit 1)"
        ).fetchall()
    states = dict(rows)
    # Cosmos: `dbt.<model>.run` (+ `.test`) for a model with tests, `dbt.<model>_run` without
    without_task = {
        model
        for model in models
        if f"dbt.{model}.run" not in states and f"dbt.{model}_run" not in states
    }
    assert without_task == set()
    assert any(task.endswith(".test") for task in states)
    assert set(states.values()) == {"success"}


def test_a_failing_dbt_test_fails_the_night_naming_it(main_job_run):
    """A dossier on a channel dim_channel does not know (landed behind the loader's back)
    breaks fct_dossier's relationship test: the warehouse run fails, naming the node."""
    env, _, _ = main_job_run
    with psycopg.connect(env["WAREHOUSE_DSN"], autocommit=True) as conn:
        (procedure,) = conn.execute(
            "select record->>'MaTTHC' from raw.motcua__thutuc limit 1"
        ).fetchone()
        (batch,) = conn.execute(
            "insert into meta.batch (source, entity, status) values ('motcua', 'hoso',"
            " 'succeeded') returning batch_id"
        ).fetchone()
        record = {
            "MaHoSo": "TEST-UNKNOWN-CHANNEL",
            "MaTTHC": procedure,
            "KenhThucHien": "9",
            "HinhThuc": "0",
            "TrangThaiHoSo": "2",
            "NgayNopHoSo": "20191101080000",
            "NgayTiepNhan": "20191101080000",
            "NgayHenTra": "20191110170000",
            "NgayCapNhat": "20191101080000",
        }
        conn.execute(
            "insert into raw.motcua__hoso (batch_id, record_no, record) values (%s, 1, %s)",
            (batch, json.dumps(record)),
        )
    night = "2019-12-05T01:00:00+07:00"  # a night of its own (not the first run's)
    # no retries: dag.test() would sit out each retry delay of the failing producer
    failed = _eduwh(
        "airflow", "dags", "test", "eduwh_warehouse", night, env={**env, "EDUWH_TASK_RETRIES": "0"}
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "fct_dossier" in output and "relationships" in output
