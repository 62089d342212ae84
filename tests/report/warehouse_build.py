"""A warehouse built the real way for the report and quality tests.

The built-in 2019 data set is generated, served by the sandbox over HTTP, landed by the
motcua loader and built by dbt for the as-of date 2019-12-06 — in a database of its
own on the session's embedded server. Skips (with the reason) while the loader or the
sandbox is not in the tree yet.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest

from eduwh import warehouse
from eduwh.config import Settings

AS_OF = date(2019, 12, 6)
YEAR = 2019
DBT_VARS = "{report_as_of_dates: ['2019-12-06']}"
BUILD_SELECT = ("tag:shared", "tag:dossiers", "tag:report")
_numbers = itertools.count(1)


def new_database(settings: Settings, prefix: str) -> Settings:
    name = f"eduwh_{prefix}_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    isolated = dataclasses.replace(settings, warehouse_dsn=dsn)
    warehouse.ensure(isolated)
    return isolated


def generate_dataset(out: Path) -> Path:
    generator = pytest.importorskip(
        "eduwh_sandbox.motcua_dataset", reason="the sandbox data set generator is not here yet"
    )
    from eduwh_sandbox.cli import generate_main

    if not (out / "expected.json").exists():
        generate_main(out)
    assert generator is not None
    return out


def build_warehouse(settings: Settings, dataset: Path, prefix: str) -> Settings:
    """A new database with the 2019 data set landed and the dbt project built."""
    load = pytest.importorskip("eduwh.land.motcua", reason="the motcua loader is not here yet")
    server_module = pytest.importorskip(
        "eduwh_sandbox.server", reason="the sandbox server is not here yet"
    )
    from eduwh.warehouse.dbt import run_dbt

    built = new_database(settings, prefix)
    with server_module.SandboxServer(dataset) as sandbox:
        loading = dataclasses.replace(
            built,
            motcua_base_url=sandbox.motcua_base_url,
            motcua_client_secret="sandbox-secret",
        )
        load.extract_load(loading, datetime(2019, 12, 7), full_refresh=True)
    # The domains the one-stop portal feeds (other sources' models need their loaders).
    run_dbt(built, ["build", "--select", *BUILD_SELECT, "--vars", DBT_VARS])
    return built


def manual_row(settings: Settings) -> dict:
    """The row of rpt_manual_figures, keys without the manual_ prefix (as the reader)."""
    with warehouse.connect(settings, "eduwh_reader") as conn:
        cursor = conn.execute(
            "select * from marts.rpt_manual_figures where agency_code = %s and report_year = %s",
            (settings.agency_code, YEAR),
        )
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    values = dict(zip(names, row, strict=True)) if row else {}
    return {k.removeprefix("manual_"): v for k, v in values.items() if k.startswith("manual_")}


def figures_of(settings: Settings, dataset: Path) -> dict:
    """The report's figures: report_figures (the lead's, from the marts) when it is here,
    else the data set's expected.json; manual keys it lacks from rpt_manual_figures."""
    try:
        from eduwh.report.figures import report_figures
    except ImportError:
        figures = json.loads((dataset / "expected.json").read_text())
    else:
        figures = report_figures(settings, YEAR, AS_OF)
    manual = dict(figures.get("manual") or {})
    for key, value in manual_row(settings).items():
        if manual.get(key) is None:
            manual[key] = value
    figures["manual"] = manual
    return figures
