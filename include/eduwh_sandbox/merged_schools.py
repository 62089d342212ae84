"""The school sources of ``quang-ngai-2025-merged`` (merged_dataset): csdl.moet exports and
SIS deliveries of two Departments across the 2025 reorganisation.

- School year 2024-2025 (exported in autumn 2024): each Department's own exports, in its
  own folder, with the district office, district and commune of the time: real pre-2025
  units of its province (the crosswalk seed ``admin_units_crosswalk_2025.csv``, whose
  legal source is Resolution 202/2025/QH15 and the package vietnamadminunits).
- School year 2025-2026 (exported from September 2025): the merged Department only, in
  the successor's folder: every school of both (the predecessor's codes keep their
  prefix), ``Quận/Huyện`` and ``Phòng GD&ĐT quản lý`` empty, ``Xã/Phường`` the school's
  2025 commune (the seed's default new commune of its old district and commune).
- SIS: a first-term delivery of each delivering school in each school year, in the
  folder of the Department that lists the school that year.

The schools themselves are the 2019 generator's (``schools_dataset.province.build_province`` at
``SCALE``, another seed per Department), recoded to the Department's prefix and placed
in its real districts and communes. No planted faults here: the 2019 data set carries
those; this one is about who counts which school in which year.

Figures: ``schools_dataset.figures.expected_schools`` of each (folder, school year)'s files as
written, at the report's clock (``figures``).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.schools_dataset.figures import expected_schools
from eduwh_sandbox.schools_dataset.province import FileVersion, School, build_province
from eduwh_sandbox.schools_dataset.records import (
    GIAO_VIEN_2019,
    HOC_SINH_2019,
    LOP_2019,
    TRUONG,
    staff_record,
    student_record,
    truong_record,
)
from eduwh_sandbox.schools_dataset.vendors import assign_vendors, vendor_record
from eduwh_sandbox.schools_dataset.writers import ExportWriter

SCALE = 0.02  # about 15 schools a Department
BEFORE, AFTER = "2024-2025", "2025-2026"
CROSSWALK = Path(__file__).resolve().parents[2] / "dbt_project/seeds/admin_units_crosswalk_2025.csv"


def _units(province_code: str) -> dict[str, list[tuple[str, str]]]:
    """{old district name: [(old commune name, its default 2025 commune name)]}."""
    units: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with CROSSWALK.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            default = row["is_default_new_commune"] == "true"
            if row["old_province_code"] == province_code and default:
                units[row["old_district_name"]].append(
                    (row["old_commune_name"], row["new_commune_name"])
                )
    if not units:
        raise ValueError(f"{CROSSWALK.name}: no commune of province {province_code}")
    return units


def _recode(school: School, old: str, new: str) -> None:
    """The school and every class, pupil and staff code under it, from ``old`` to ``new``
    (the generator derives them from the school code)."""
    school.code = new + school.code[len(old) :]
    school.classes = [(new + c[len(old) :], n, g) for c, n, g in school.classes]
    for pupil in school.students:
        pupil.code = new + pupil.code[len(old) :]
        pupil.class_code = new + pupil.class_code[len(old) :]
    for member in school.staff:
        member.code = "CB" + new + member.code[2 + len(old) :]


def build_department(seed: int, prefix: str, province_code: str) -> list[School]:
    """A Department's schools (pupils, staff, vendors) in its province's real units;
    ``commune_2025`` maps each school code to its 2025 commune."""
    rng = random.Random(f"merged-schools:{seed}")
    schools = build_province(rng, SCALE)
    assign_vendors(schools, rng)
    units = _units(province_code)
    districts = sorted(units)
    for school in schools:
        _recode(school, "54", prefix)
        district = rng.choice(districts)
        commune, commune_2025 = rng.choice(sorted(units[district]))
        school.district, school.commune = district, commune
        school.commune_2025 = commune_2025  # type: ignore[attr-defined]
        if school.office:
            school.office = "Phòng GD&ĐT " + district.split(" ", 1)[1]
    return schools


def _truong(school: School, after: bool) -> dict[str, Any]:
    record = truong_record(school)
    if after:  # the district level is gone; the commune is the 2025 one
        record.update(
            {"Phòng GD&ĐT quản lý": "", "Quận/Huyện": "", "Xã/Phường": school.commune_2025}
        )
    return record


def write_year(
    w: ExportWriter, schools: list[School], school_year: str, rng: random.Random
) -> list[FileVersion]:
    """One school year's exports of one Department (its school list and each school's
    class, pupil and staff lists) and its schools' first-term deliveries; returns the
    files written (a file name recurs in every school year: count them apart)."""
    start = int(school_year[:4])
    written = len(w.files)
    after = school_year >= AFTER
    w.school_year = school_year
    w.moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        datetime(start, 9, 20, 16, 30),
        TRUONG,
        [_truong(s, after) for s in schools],
        f"DANH SÁCH TRƯỜNG HỌC NĂM HỌC {school_year}",
        "trường",
    )
    for school in schools:
        first = datetime(start, 9, 25) + timedelta(
            days=rng.randint(0, 40), hours=rng.randint(7, 22)
        )
        classes = [
            {"Mã lớp": c, "Tên lớp": n, "Khối": int(g) if g.isdigit() else g,
             "Mã trường": school.code, "Năm học": school_year, "Buổi học": "2 buổi/ngày"}
            for c, n, g in school.classes
        ]  # fmt: skip
        w.moet(f"DanhSachLop_{school.code}.xlsx", "lop", school, first, LOP_2019, classes,
               "DANH SÁCH LỚP HỌC", "lớp")  # fmt: skip
        pupils = [student_record(s) for s in school.students]
        w.moet(f"C1-HocSinh_{school.code}.xlsx", "hoc_sinh", school, first, HOC_SINH_2019,
               pupils, "DANH SÁCH HỌC SINH", "học sinh")  # fmt: skip
        staff = [staff_record(s) for s in school.staff]
        w.moet(f"CSDL_GiaoVien_{school.code}.xlsx", "giao_vien", school,
               first + timedelta(minutes=7), GIAO_VIEN_2019, staff,
               "DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN", "cán bộ")  # fmt: skip
    for school in schools:
        enrolled = [s for s in school.students if s.status == "Đang học"]
        for vendor in school.delivers:
            stamp = datetime(start, 11, 25, 23, 0) + timedelta(days=rng.randint(0, 8))
            records = [vendor_record(vendor, s, rng) for s in enrolled if rng.random() > 0.02]
            w.delivery(vendor, school, 1, stamp, records)
    return w.files[written:]


def figures(files: list[FileVersion], clock: datetime, school_year: str) -> dict[str, Any]:
    """The schools section of one Department's school year as written (its files only:
    a file name recurs in every school year)."""
    return expected_schools(files, clock, school_year)["schools"]


def finish(w: ExportWriter) -> None:
    """The manifest of the folder and the (possibly empty) vendor folders."""
    w.close()
    ds.write_jsonl(w.out / "csdl_moet" / "manifest.jsonl", w.manifest)
    for vendor in ("smas", "vnedu"):
        (w.out / "sis" / vendor).mkdir(parents=True, exist_ok=True)
