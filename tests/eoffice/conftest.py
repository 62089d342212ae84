"""Fixtures of the e-Office tests: the generated 2019 e-Office data set (once per session)."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.eoffice_dataset import generate_eoffice

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


def register_eoffice() -> None:
    """Serve e-Office in SandboxServer (until server.py mounts it itself)."""
    from eduwh_sandbox import server
    from eduwh_sandbox.eoffice_server import EofficeApp

    server.SERVED.setdefault("eoffice", EofficeApp)
    # Headers and body go out in two writes: without TCP_NODELAY each response waits for
    # the client's delayed ACK (~40 ms). Proposed for server.py's _Handler itself.
    server._Handler.disable_nagle_algorithm = True


@pytest.fixture
def eoffice_env(monkeypatch):
    """Settings pointed at a running sandbox's e-Office (and short client backoffs):
    call it with the settings and the sandbox's URL."""

    def point(settings, base_url: str):
        monkeypatch.setenv("EOFFICE_BACKOFF_BASE", "0.01")
        monkeypatch.setenv("EOFFICE_BACKOFF_MAX", "0.05")
        return sandbox_eoffice(settings, base_url)

    return point


def sandbox_eoffice(settings, base_url: str):
    """`settings` with e-Office at the sandbox's URL and the sandbox's client."""
    return dataclasses.replace(
        settings,
        eoffice_base_url=base_url,
        eoffice_client_id="eduwh",
        eoffice_client_secret="sandbox-secret",
    )
