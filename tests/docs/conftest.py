"""Fixtures of the docs tests: the warehouse of the session's 2019 night (`eduwh run`)."""

from __future__ import annotations

import dataclasses

import pytest

from eduwh.config import Settings


@pytest.fixture(scope="session")
def night_2019(settings, main_job_run) -> Settings:
    """Settings of the database `eduwh run --as-of 2019-12-06` built (tests/conftest.py);
    its docs site is the one the night's warehouse DAG generated, in the session's home."""
    env, _, _ = main_job_run
    return dataclasses.replace(settings, warehouse_dsn=env["WAREHOUSE_DSN"])
