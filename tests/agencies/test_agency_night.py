"""A night of two agencies, each with its own one-stop portal (two sandbox instances over
real HTTP), through Airflow's own task runner: the motcua DAG maps its landing task over
the register's agencies; one portal down for a night fails that agency's task alone and
the other lands; the next night catches up with nothing lost or doubled.

The data set: the built-in quang-ngai-2025-merged (Quảng Ngãi and its predecessor Kon
Tum, each with its own portal), its register cut to the one-stop source. "Nothing lost
or doubled" is measured against the same night run on a second warehouse with both
portals up all along."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pytest
import yaml

from eduwh import warehouse
from tests.conftest import free_port, new_database

sandbox_server = pytest.importorskip("eduwh_sandbox.server")
merged_dataset = pytest.importorskip("eduwh_sandbox.merged_dataset")

pytestmark = pytest.mark.timeout(900)

SUCCESSOR = merged_dataset.QN["code"]
PREDECESSOR = merged_dataset.KT["code"]
CLOCK = datetime(2025, 12, 31, 23, 59, 59)  # the data set's as_of: the portals answer as then
NIGHTS = ("2026-01-01", "2026-01-02")  # the logical dates (01:00 local) of the two nights
SECRET = "agency-night-secret"

RUNNER = """
import json, sys
import pendulum
from eduwh.cli.night import run_source_dag
from eduwh.config import Settings
night = pendulum.parse(sys.argv[1] + "T01:00:00", tz="Asia/Ho_Chi_Minh")
run, failures = run_source_dag(Settings.from_env(), "motcua_dossiers", night)
tis = [(ti.task_id, ti.map_index, str(ti.state)) for ti in run.get_task_instances()]
print("RESULT " + json.dumps({"failures": failures, "tis": tis, "run_id": run.run_id}))
"""


@pytest.fixture(scope="module")
def two_agencies(tmp_path_factory):
    root = tmp_path_factory.mktemp("two_agencies")
    merged_dataset.generate(root)
    register = yaml.safe_load((root / "agencies.yml").read_text("utf-8"))
    for entry in register:  # this night runs the one-stop DAG alone
        entry["sources"] = {"motcua": entry["sources"]["motcua"]}
    (root / "agencies.yml").write_text(yaml.safe_dump(register, allow_unicode=True), "utf-8")
    return root


def _serve(folder):
    server = sandbox_server.SandboxServer(folder, clock=CLOCK, client_secret=SECRET)
    server.start()
    return server


def _night(env: dict, logical_day: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, logical_day],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, (done.stdout[-3000:], done.stderr[-6000:])
    return json.loads(lines[-1][len("RESULT ") :])


def _one(settings, sql: str, *params):
    with warehouse.connect(settings, role="eduwh_loader") as conn:
        return conn.execute(sql, params).fetchone()


def _landed(settings, agency: str, entity: str) -> tuple[int, int, int]:
    """(raw rows, distinct versions, quarantined) of the agency's batches of `entity`."""
    rows, versions = _one(
        settings,
        f"select count(*), count(distinct (r.record->>'MaHoSo', r.record->>'NgayCapNhat',"
        f" r.record->>'MaTTHC')) from raw.motcua__{entity} r"
        " join meta.batch b using (batch_id) where b.agency_code = %s and b.status = 'succeeded'",
        agency,
    )
    (quarantined,) = _one(
        settings,
        "select count(*) from meta.quarantine q join meta.batch b using (batch_id)"
        " where b.agency_code = %s and q.entity = %s",
        agency,
        entity,
    )
    return rows, versions, quarantined


def _env(settings, two_agencies, successor_url: str, predecessor_url: str) -> dict:
    return {
        **os.environ,
        "WAREHOUSE_DSN": warehouse.admin_dsn(settings),
        "EDUWH_AGENCIES_FILE": str(two_agencies / "agencies.yml"),
        "MOTCUA_BASE_URL": successor_url,
        "MOTCUA_CLIENT_SECRET": SECRET,
        "MOTCUA_KT_BASE_URL": predecessor_url,
        "MOTCUA_KT_CLIENT_SECRET": SECRET,
        "MOTCUA_MAX_ATTEMPTS": "2",  # a dead portal fails in seconds, not minutes
        "MOTCUA_BACKOFF_MAX": "1",
    }


def test_one_agencys_portal_down_fails_its_task_alone_and_the_next_night_catches_up(
    settings, airflow_db, two_agencies
):
    night_settings, reference = new_database(settings), new_database(settings)
    first = _serve(two_agencies / SUCCESSOR)
    down_url = f"http://127.0.0.1:{free_port()}"  # the predecessor's portal: nobody answers
    env = _env(night_settings, two_agencies, first.urls["motcua"], down_url)
    try:
        # night 1: the predecessor's portal is down
        result = _night(env, NIGHTS[0])
        states = {index: state for task, index, state in result["tis"] if task == "extract_load"}
        assert sorted(states.values()) == ["failed", "success"], result
        assert len(result["failures"]) == 1, result
        assert result["failures"][0].startswith(f"motcua of agency {PREDECESSOR} failed: ")
        assert _landed(night_settings, PREDECESSOR, "hoso")[0] == 0
        assert _landed(night_settings, SUCCESSOR, "hoso")[0] > 0
        failed_instance = _one(
            night_settings,
            "select source_instance from meta.batch where agency_code = %s and status = 'failed'",
            PREDECESSOR,
        )
        assert failed_instance == ("MOTCUA_KT",)

        # night 2: it answers again (the successor's has nothing new: its clock stands still)
        second = _serve(two_agencies / PREDECESSOR)
        try:
            result = _night({**env, "MOTCUA_KT_BASE_URL": second.urls["motcua"]}, NIGHTS[1])
            assert result["failures"] == [], result
            # the reference: one night with both portals up
            clean = _env(reference, two_agencies, first.urls["motcua"], second.urls["motcua"])
            assert _night(clean, NIGHTS[0])["failures"] == []
        finally:
            second.stop()
    finally:
        first.stop()

    for agency in (SUCCESSOR, PREDECESSOR):
        rows, versions, quarantined = _landed(night_settings, agency, "hoso")
        assert rows > 0 and rows == versions  # no version landed twice
        # nothing lost: every version and every quarantined record of the clean night
        assert (rows, quarantined) == _landed(reference, agency, "hoso")[::2], agency
        # the catalogue is a snapshot per night: the same versions as the clean night's
        catalogue = _landed(night_settings, agency, "thutuc")[1]
        assert catalogue == _landed(reference, agency, "thutuc")[1], agency

    with warehouse.connect(night_settings, role="eduwh_loader") as conn:
        marks = dict(
            conn.execute(
                "select agency_code, high_water from meta.watermark"
                " where source = 'motcua' and entity = 'hoso'"
            ).fetchall()
        )
        instances = dict(
            conn.execute(
                "select agency_code, string_agg(distinct source_instance, ',') from meta.batch"
                " where status = 'succeeded' group by agency_code"
            ).fetchall()
        )
        registered = conn.execute(
            "select agency_code, valid_to::text, successor_code from meta.agency order by 1"
        ).fetchall()
    assert set(marks) == {SUCCESSOR, PREDECESSOR}
    assert marks[SUCCESSOR] == marks[PREDECESSOR]  # both at the second night's end
    assert instances == {SUCCESSOR: "MOTCUA", PREDECESSOR: "MOTCUA_KT"}
    assert registered == [
        (SUCCESSOR, None, None),
        (PREDECESSOR, str(merged_dataset.KT_UNTIL), SUCCESSOR),
    ]
