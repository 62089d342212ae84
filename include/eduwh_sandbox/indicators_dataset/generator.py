"""Writes the Quảng Ngãi 2025 data set (dataset.json, ``motcua/``, expected.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.indicators_dataset.catalogue import AS_OF, CLOCK, META, YEAR
from eduwh_sandbox.indicators_dataset.dossiers import build_records
from eduwh_sandbox.indicators_dataset.figures import indicators_of_year
from eduwh_sandbox.motcua_dataset.figures import count_figures
from eduwh_sandbox.motcua_dataset.generator import portal_expected, write_portal


def generate(out_dir: Path, seed: int = 2025) -> dict[str, Any]:
    """Write the built-in Quảng Ngãi 2025 data set into ``out_dir``; return expected.json."""
    out_dir = Path(out_dir)
    thutuc, hoso, planted = build_records(seed)
    thutuc_read, hoso_read = write_portal(out_dir, META, thutuc, hoso)
    figures = count_figures(thutuc_read, hoso_read, AS_OF, known_at=CLOCK)
    expected = portal_expected(META, figures, planted)
    expected.update(indicators_of_year(thutuc_read, hoso_read, YEAR, AS_OF))
    ds.write_json(out_dir / ds.EXPECTED_FILE, expected)
    return expected
