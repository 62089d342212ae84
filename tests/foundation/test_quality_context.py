"""The Great Expectations file context in the repository loads (later issues fill it)."""

from __future__ import annotations

import great_expectations as gx

from eduwh.config import PROJECT_ROOT


def test_file_context_loads_from_include():
    context = gx.get_context(mode="file", project_root_dir=str(PROJECT_ROOT / "include"))
    assert type(context).__name__ == "FileDataContext"
    assert (PROJECT_ROOT / "include" / "gx" / "great_expectations.yml").exists()
