"""Retries and the alert callback, through Airflow's own task runner (`dag.test()`).

The test DAGs live in tests/orchestration/dags; each run is a subprocess with this
session's AIRFLOW_HOME and that folder as the DAGs folder, so the project's own
DAG bundle is not disturbed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

TEST_DAGS = Path(__file__).parent / "dags"

RUNNER = """
import json, os, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
assert not bag.import_errors, bag.import_errors
run = bag.get_dag(sys.argv[1]).test()
tis = [(ti.task_id, str(ti.state), ti.try_number) for ti in run.get_task_instances()]
print("RESULT " + json.dumps({"state": str(run.state), "tis": tis}))
"""


def run_test_dag(dag_id: str, tmp_path: Path, **env: str) -> tuple[dict, str]:
    environment = {
        **os.environ,
        "AIRFLOW__CORE__DAGS_FOLDER": str(TEST_DAGS),
        "EDUWH_FLAKY_MARKER": str(tmp_path / "tries"),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, dag_id],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, output[-4000:]
    return json.loads(lines[-1][len("RESULT ") :]), output


def test_a_task_that_fails_once_succeeds_on_its_retry(airflow_db, tmp_path):
    result, output = run_test_dag("eduwh_test_flaky", tmp_path)
    assert result["state"] == "success", output[-4000:]
    assert result["tis"] == [["fails_once", "success", 2]]
    assert (tmp_path / "tries").read_text() == "2"
    assert "portal answered 503 on the first try" in output  # the first try failed


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook():
    _Webhook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alert", _Webhook.received
    server.shutdown()
    server.server_close()


def test_the_alert_names_dag_task_date_and_the_errors_first_line(airflow_db, tmp_path, webhook):
    url, received = webhook
    result, output = run_test_dag("eduwh_test_broken", tmp_path, EDUWH_ALERT_WEBHOOK=url)
    assert result["state"] == "failed"
    assert len(received) == 1, output[-4000:]
    alert = received[0]
    assert alert["dag"] == "eduwh_test_broken"
    assert alert["task"] == "always_fails"
    assert alert["error"] == "dossier page 3 is not JSON"  # the first line only
    assert alert["date"][:4].isdigit()  # the run's logical date
    assert "EDUWH ALERT" in output and "must not be sent" not in json.dumps(alert)
