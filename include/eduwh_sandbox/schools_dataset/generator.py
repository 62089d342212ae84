"""Writes the schools part of a data set (``generate_schools``) and merges its figures
into expected.json."""

from __future__ import annotations

import os
import random
import time as clock_time
from datetime import datetime
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.schools_dataset.catalogue import DEFAULT_META, SCHOOL_YEAR
from eduwh_sandbox.schools_dataset.figures import expected_schools
from eduwh_sandbox.schools_dataset.province import build_province, plant
from eduwh_sandbox.schools_dataset.vendors import assign_vendors
from eduwh_sandbox.schools_dataset.writers import write_all


def generate_schools(
    out_dir: Path, meta: dict[str, Any] | None = None, seed: int = 2019, scale: float = 1.0
) -> dict[str, Any]:
    """Write the school sources of the data set into ``out_dir`` (see the package doc) and
    merge the schools figures into ``expected.json``. Returns the figures, the special
    cases (school codes), the planted personal data, file counts and the time taken."""
    started = clock_time.perf_counter()
    out_dir = Path(out_dir)
    meta = dict(meta or DEFAULT_META)
    if not ds.read_dataset_json(out_dir):
        ds.write_dataset_json(out_dir, meta)
    for folder in ("csdl_moet", "sis"):
        target = out_dir / folder
        if target.exists():
            for path in sorted(target.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
    rng = random.Random(f"schools:{seed}:{scale}")
    schools = build_province(rng, scale)
    cases = assign_vendors(schools, rng)
    planted = plant(schools, rng)
    workers = min(4, os.cpu_count() or 1) if scale >= 0.25 else 0
    writer = write_all(out_dir, schools, rng, cases, workers)
    ds.write_jsonl(out_dir / "csdl_moet" / "manifest.jsonl", writer.manifest)
    (out_dir / "sis" / "smas").mkdir(parents=True, exist_ok=True)
    (out_dir / "sis" / "vnedu").mkdir(parents=True, exist_ok=True)

    clock = ds.default_clock(meta) or datetime(2019, 12, 6, 23, 59, 59)
    figures = expected_schools(writer.files, clock, meta.get("school_year", SCHOOL_YEAR))
    expected_path = out_dir / ds.EXPECTED_FILE
    if expected_path.exists():
        import json

        expected = json.loads(expected_path.read_text(encoding="utf-8"))
    else:
        expected = ds.empty_expected(meta)
    expected["schools"] = figures["schools"]
    expected["schools_reconciliation"] = figures["reconciliation"]
    expected.setdefault("quarantine", {})
    expected["quarantine"]["csdl_moet"] = figures["quarantine"]["csdl_moet"]
    expected["quarantine"]["sis"] = figures["quarantine"]["sis"]
    ds.write_json(expected_path, expected)
    return {
        **figures,
        "cases": dict(cases),
        "planted": planted,
        "files": {
            "csdl_moet_versions": len(writer.manifest),
            "smas": sum(f.source == "smas" for f in writer.files),
            "vnedu": sum(f.source == "vnedu" for f in writer.files),
        },
        "staff": sum(len(s.staff) for s in schools),
        "pupils_all_statuses": sum(len(s.students) for s in schools),
        "seconds": round(clock_time.perf_counter() - started, 1),
    }
