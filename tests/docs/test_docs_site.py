"""The docs site of the 2019 night: descriptions in PostgreSQL comments (persist_docs), the
site the night generated, served by the Airflow plugin and by `eduwh docs serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import pytest

from eduwh import warehouse
from eduwh.config import PROJECT_ROOT
from eduwh.warehouse.docs import SITE_FILES, docs_site

pytestmark = pytest.mark.timeout(1500)  # the session's night is built on first use


@pytest.fixture(scope="module")
def site(night_2019) -> dict:
    """The site's manifest and catalog, as the night's warehouse DAG wrote them."""
    folder = docs_site(night_2019)
    return {name: json.loads((folder / name).read_text()) for name in SITE_FILES[1:]}


def _mart_models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].endswith("marts")
    ]


def test_descriptions_are_postgresql_comments_the_reader_sees(night_2019, site):
    """persist_docs: every mart and its columns carry their yml description as comments."""
    marts = _mart_models(site["manifest.json"])
    assert len(marts) > 20
    with warehouse.connect(night_2019, "eduwh_reader") as conn:
        for node in marts:
            relation = f"marts.{node['alias']}"
            (comment,) = conn.execute(
                "select obj_description(to_regclass(%s), 'pg_class')", (relation,)
            ).fetchone()
            assert comment == node["description"], relation
        (days_late,) = conn.execute(
            "select col_description('marts.fct_dossier'::regclass, attnum) from pg_attribute"
            " where attrelid = 'marts.fct_dossier'::regclass and attname = 'days_late'"
        ).fetchone()
    fct_dossier = site["manifest.json"]["nodes"]["model.eduwh.fct_dossier"]
    assert days_late == fct_dossier["columns"]["days_late"]["description"]


def test_the_night_generated_the_site_with_the_catalog_of_its_build(site):
    catalog = site["catalog.json"]["nodes"]
    fct_dossier = catalog["model.eduwh.fct_dossier"]
    assert fct_dossier["metadata"]["schema"] == "marts"
    assert fct_dossier["columns"]["days_late"]["type"] == "integer"
    # the comments persist_docs wrote are what the catalog read back
    assert fct_dossier["metadata"]["comment"]
    assert "exposure.eduwh.annual_report_docx" in site["manifest.json"]["exposures"]


@pytest.fixture(scope="module")
def airflow_ui(airflow_db):
    """The plugins as Airflow loads them from the plugins folder, the docs plugin's app
    mounted at its url_prefix as the API server mounts it, and a token of Airflow's own
    auth manager (the simple one) for a user who logged in."""
    from airflow import plugins_manager
    from airflow.api_fastapi.app import create_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    info = {plugin["name"]: plugin for plugin in plugins_manager.get_plugin_info()}
    (mounted,) = [
        app for app in plugins_manager.get_fastapi_plugins()[0] if app["name"] == "eduwh docs"
    ]
    ui = FastAPI()
    ui.mount(mounted["url_prefix"], mounted["app"])
    user = SimpleAuthManagerUser(username="analyst", role="viewer")
    token = create_auth_manager().generate_jwt(user)
    return info, TestClient(ui), {"Authorization": f"Bearer {token}"}


def test_the_plugin_is_in_the_navigation(airflow_ui):
    info, _, _ = airflow_ui
    (view,) = info["eduwh_docs"]["external_views"]
    assert view["href"] == "/eduwh-docs/" and view["destination"] == "nav"
    assert info["eduwh_docs"]["fastapi_apps"][0]["url_prefix"] == "/eduwh-docs"


def test_the_plugin_serves_the_site_to_who_is_logged_in(airflow_ui, night_2019, site, monkeypatch):
    _, client, logged_in = airflow_ui
    monkeypatch.setenv("EDUWH_HOME", str(night_2019.home))  # where the API server's state is
    assert client.get("/eduwh-docs/").status_code == 401
    page = client.get("/eduwh-docs/", headers=logged_in)
    assert page.status_code == 200 and 'ng-app="dbt"' in page.text
    manifest = client.get("/eduwh-docs/manifest.json", headers=logged_in)
    assert manifest.json()["exposures"].keys() == site["manifest.json"]["exposures"].keys()
    catalog = client.get("/eduwh-docs/catalog.json", headers=logged_in)
    assert "model.eduwh.fct_dossier" in catalog.json()["nodes"]
    assert client.get("/eduwh-docs/run_results.json", headers=logged_in).status_code == 404


def _serve(home, *args: str) -> subprocess.Popen:
    env = {**os.environ, "EDUWH_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "eduwh.cli", "docs", "serve", *args],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_eduwh_docs_serve_answers_over_http(night_2019, site):
    server = _serve(night_2019.home, "--port", "0")
    try:
        line = server.stderr.readline()
        assert "http://127.0.0.1:" in line, line
        url = line.split()[line.split().index("warehouse:") + 1]
        with urllib.request.urlopen(url, timeout=30) as answer:
            assert 'ng-app="dbt"' in answer.read().decode()
        with urllib.request.urlopen(url + "catalog.json", timeout=30) as answer:
            assert json.loads(answer.read())["nodes"] == site["catalog.json"]["nodes"]
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert out == ""  # stdout promises nothing


def test_eduwh_docs_serve_without_a_site_says_what_to_do(tmp_path):
    server = _serve(tmp_path, "--port", "0")
    out, err = server.communicate(timeout=120)
    assert server.returncode == 2 and out == ""
    assert err.strip().splitlines() == [err.strip()] and "eduwh docs generate" in err
