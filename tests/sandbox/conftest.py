"""Fixtures of the sandbox tests: the built-in data set, generated once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from eduwh_sandbox import motcua_dataset


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qn2019")
    motcua_dataset.generate(out)
    return out
