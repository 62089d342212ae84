"""Fixtures of the e-Office tests: the generated 2019 e-Office data set (once per session)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from eduwh.sandbox import dataset as ds
from eduwh.sandbox.eoffice_dataset import generate_eoffice

META = {
    "name": "quang-ngai-2019",
    "agency": {"code": "000.23.34.H48", "name": "Sở Giáo dục và Đào tạo Quảng Ngãi"},
    "department_code": "000.23.34.H48",
    "year": 2019,
    "as_of": "2019-12-06",
    "school_year": "2019-2020",
}


@pytest.fixture(scope="session")
def eoffice_dataset() -> tuple[Path, dict]:
    """(data set folder with dataset.json + eoffice/ only, generate_eoffice's result)."""
    folder = Path(tempfile.mkdtemp(prefix="eduwh-eoffice-"))
    ds.write_dataset_json(folder, META)
    result = generate_eoffice(folder, META)
    return folder, result
