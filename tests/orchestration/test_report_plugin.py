"""The report plugin answers inside a running Airflow API server (real process, HTTP)."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from eduwh import warehouse
from eduwh.quality.checkpoint import QUALITY_DDL, TRANSFORMER
from tests.conftest import free_port

pytestmark = pytest.mark.timeout(300)

FIGURES = {
    "agency": {"code": "000.23.34.H48", "name": "Sở GD&ĐT Quảng Ngãi"},
    "year": 2019,
    "as_of": "2019-12-06",
    "dossiers": {"received": 655, "resolved": 599},
    "procedures": {"total": 41},
}


def _checkpoint(settings) -> None:
    """One failed checkpoint run with a failed expectation and a warning."""
    with warehouse.connect(settings, TRANSFORMER) as conn:
        for ddl in QUALITY_DDL:
            conn.execute(ddl)
        conn.execute(
            "insert into quality.checkpoint_run (run_id, checkpoint_name, started_at, success,"
            " suites_run, expectations_evaluated, expectations_failed, warnings)"
            " values ('ckpt-test-42', 'eduwh_nightly', %s, false, 1, 2, 1, 1)",
            (datetime(2019, 12, 7, 1, 30, tzinfo=UTC),),
        )
        for number, (severity, column) in enumerate([("critical", "ma_ho_so"), ("warning", "x")]):
            conn.execute(
                "insert into quality.expectation_result (run_id, suite, asset, expectation_type,"
                " column_name, success, severity, expectation_no)"
                " values ('ckpt-test-42', 'fct_dossier', 'marts.fct_dossier',"
                " 'expect_column_values_to_not_be_null', %s, false, %s, %s)",
                (column, severity, number),
            )


@pytest.fixture
def published(fresh_settings, tmp_path):
    home = tmp_path / "home"
    folder = home / "reports" / "2019-12-06"
    folder.mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps(FIGURES, ensure_ascii=False))
    (folder / "bao-cao-2019.html").write_text("<html><body>báo cáo <b>655</b></body></html>")
    (folder / "bao-cao-2019.docx").write_bytes(b"PK\x03\x04 not really a docx")
    (home / "reports" / "latest").symlink_to("2019-12-06")
    _checkpoint(fresh_settings)
    return home, fresh_settings


@pytest.fixture
def api_server(airflow_db, published):
    home, settings = published
    port = free_port()
    env = {
        **os.environ,
        "EDUWH_HOME": str(home),
        "WAREHOUSE_DSN": warehouse.admin_dsn(settings),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "eduwh:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
    }
    (home / "passwords.json").write_text(json.dumps({"eduwh": "test-password"}))
    log = (home / "api-server.log").open("w")
    process = subprocess.Popen(
        ["airflow", "api-server", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, (home / "api-server.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "the API server did not come up"
            try:
                urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=2).close()
                break
            except OSError:
                time.sleep(1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _token(base: str) -> str:
    request = urllib.request.Request(
        f"{base}/auth/token",
        data=json.dumps({"username": "eduwh", "password": "test-password"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["access_token"]


def _get(url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30)


def test_the_plugin_shows_the_latest_report_and_the_checkpoint(api_server):
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        _get(f"{api_server}/eduwh/")
    assert anonymous.value.code in (401, 403)  # only who is logged in to Airflow

    token = _token(api_server)
    with _get(f"{api_server}/eduwh/", token) as answer:
        page = answer.read().decode()
    assert "2019-12-06" in page and "655" in page and "599" in page
    assert "ckpt-test-42" in page and "KHÔNG ĐẠT / FAILED" in page
    assert "Failed expectations (1)" in page and "Warnings (1)" in page
    assert "Sở GD&amp;ĐT Quảng Ngãi" in page  # escaped

    with _get(f"{api_server}/eduwh/figures.json", token) as answer:
        assert json.loads(answer.read()) == FIGURES
    with _get(f"{api_server}/eduwh/report.docx", token) as answer:
        assert answer.read().startswith(b"PK")
        assert "attachment" in answer.headers["Content-Disposition"]


def test_the_menu_links_the_plugin(api_server):
    token = _token(api_server)
    with _get(f"{api_server}/api/v2/plugins", token) as answer:
        plugins = json.loads(answer.read())["plugins"]
    ours = next(plugin for plugin in plugins if plugin["name"] == "eduwh_report")
    assert ours["external_views"][0]["href"] == "/eduwh/"
    assert ours["fastapi_apps"][0]["url_prefix"] == "/eduwh"
