"""Fixtures of the school tests: a small generated province, the csdl.moet stand-in,
and databases of their own on the session's embedded PostgreSQL."""

from __future__ import annotations

import dataclasses
import itertools
import os
from pathlib import Path

import psycopg
import pytest

from eduwh import warehouse
from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.moet_server import MoetApp
from eduwh_sandbox.schools_dataset import generate_schools
from eduwh_sandbox.schools_dataset.catalogue import DEFAULT_META
from eduwh_sandbox.server import SandboxServer
from eduwh_sandbox.web import TokenStore

SMALL_SCALE = 20 / 676  # about 20 schools
API_KEY = "sandbox-secret"
_numbers = itertools.count(1)


def new_database(settings):
    name = f"eduwh_schools_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    isolated = dataclasses.replace(settings, warehouse_dsn=dsn)
    warehouse.ensure(isolated)
    return isolated


def serve_moet(data_dir: Path, clock=None) -> SandboxServer:
    """A SandboxServer with the csdl.moet stand-in under /moet (mounted here until the
    server mounts it itself)."""
    server = SandboxServer(data_dir, clock=clock)
    if "moet" not in server.apps:
        server.apps["moet"] = MoetApp(
            data_dir,
            server.meta,
            lambda: server.clock,
            FaultInjector("none", "csdl_moet"),
            TokenStore("eduwh", API_KEY),
        )
    server.apps.pop("csdl_moet", None)
    return server


@pytest.fixture(scope="session")
def small_province(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("schools") / "qn-small"
    result = generate_schools(out, DEFAULT_META, seed=2019, scale=SMALL_SCALE)
    return out, result
