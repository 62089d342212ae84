"""Write the seed `admin_units_crosswalk_2025.csv`: every pre-2025 commune (province,
district, commune) and the 2025 commune(s) it became.

Maintenance script, run by hand when the package publishes a correction; the seed it
writes is reviewed and committed (dbt reads the seed, never the package):

    uv run --with vietnamadminunits==1.0.4 python dbt_project/scripts/admin_units_crosswalk_2025.py

Source: the package vietnamadminunits (MIT), which compiles the 2025 reorganisation:
Resolution 202/2025/QH15 (provinces, from 1 July 2025) and the Standing Committee of the
National Assembly's resolutions of June 2025 arranging each province's commune-level
units; codes per Decision 19/2025/QĐ-TTg. An old commune split over several new ones has
one row per new commune, the package's default one flagged.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from importlib import resources
from importlib.metadata import version
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "admin_units_crosswalk_2025.csv"
COLUMNS = [
    "old_province_code", "old_province_name", "old_district_code", "old_district_name",
    "old_district_key", "old_commune_code", "old_commune_name", "old_commune_key",
    "new_province_code", "new_province_name", "new_commune_code", "new_commune_name",
    "is_default_new_commune", "source",
]  # fmt: skip


def main() -> None:
    data = resources.files("vietnamadminunits") / "data"
    db = sqlite3.connect(str(data / "dataset.db"))
    db.row_factory = sqlite3.Row
    legacy = {
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r
        for r in db.execute("select * from admin_units_legacy")
    }
    new = {(r["provinceKey"], r["wardKey"]): r for r in db.execute("select * from admin_units")}
    mapping = json.loads((data / "converter_2025.json").read_text("utf-8"))
    source = f"vietnamadminunits {version('vietnamadminunits')}; Resolution 202/2025/QH15"
    rows = {}
    for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for old in olds:
                rows[(old, ward)] = (legacy.get(old), new.get((province, ward)), True)
    for province, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in olds.items():
            for target in targets:
                ward = target["newWardKey"]
                rows[(old, ward)] = (
                    legacy.get(old),
                    new.get((province, ward)),
                    target["isDefaultNewWard"],
                )
    with SEED.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for old, nu, is_default in sorted(
            (v for v in rows.values() if v[0] is not None and v[1] is not None),
            key=lambda v: (v[0]["wardCode"], v[1]["wardCode"]),
        ):
            writer.writerow([
                old["provinceCode"], old["province"], old["districtCode"], old["district"],
                old["districtShortKey"], old["wardCode"], old["ward"], old["wardShortKey"],
                nu["provinceCode"], nu["province"], nu["wardCode"], nu["ward"],
                "true" if is_default else "false", source,
            ])  # fmt: skip
    skipped = sum(1 for v in rows.values() if v[0] is None or v[1] is None)
    print(f"{SEED}: {len(rows) - skipped} rows ({skipped} mapping entries without a unit)")


if __name__ == "__main__":
    main()
