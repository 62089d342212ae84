"""The schools section of expected.json counted from the files as written
(``expected_schools``): an independent reading of the contracts."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.schools_dataset.catalogue import SCHOOL_YEAR
from eduwh_sandbox.schools_dataset.province import FileVersion


def expected_schools(
    files: list[FileVersion], clock: datetime, school_year: str = SCHOOL_YEAR
) -> dict[str, Any]:
    """The schools section of report_figures.md, a reconciliation summary and the files a
    reader must quarantine — counted from the written records (see the package doc)."""
    quarantine: dict[str, dict[str, int]] = {"csdl_moet": {}, "sis": {}}
    latest: dict[str, FileVersion] = {}
    for f in files:
        if f.source != "csdl_moet" or f.changed > clock:
            continue
        if f.name not in latest or f.changed > latest[f.name].changed:
            latest[f.name] = f
    moet = [f for f in latest.values() if f.bad is None]
    for f in latest.values():
        if f.bad:
            quarantine["csdl_moet"][f.bad] = quarantine["csdl_moet"].get(f.bad, 0) + 1
    schools = [r for f in moet if f.kind == "truong" for r in f.records]
    classes = [
        r
        for f in moet
        if f.kind == "lop"
        for r in f.records
        if r.get("Năm học", school_year) == school_year
    ]
    pupils: dict[str, set[str]] = defaultdict(set)  # school -> every pupil code
    enrolled = 0
    for f in moet:
        if f.kind == "hoc_sinh":
            for r in f.records:
                pupils[f.school or ""].add(r["Mã học sinh"])
                enrolled += r["Trạng thái HS"] == "Đang học"
    teachers = sum(
        1
        for f in moet
        if f.kind == "giao_vien"
        for r in f.records
        if r["Vị trí việc làm"] == "Giáo viên" and r["Trạng thái CB"] == "Đang làm việc"
    )

    deliveries: dict[tuple[str, str], dict[int, FileVersion]] = defaultdict(dict)
    for f in files:
        if f.source == "csdl_moet" or f.changed > clock:
            continue
        if f.bad:
            quarantine["sis"][f.bad] = quarantine["sis"].get(f.bad, 0) + 1
            continue
        terms = deliveries[(f.source, f.school or "")]
        if f.term not in terms or f.changed > terms[f.term].changed:
            terms[f.term] = f
    vendor_pupils: dict[str, set[str]] = defaultdict(set)
    on: dict[str, set[str]] = {"smas": set(), "vnedu": set()}
    for (vendor, school), terms in deliveries.items():
        on[vendor].add(school)
        for latest in terms.values():  # both terms count (sis_exports.md)
            vendor_pupils[school] |= {r["MaHocSinh"] for r in latest.records if r["MaHocSinh"]}
    in_vendor = sum(len(v) for v in vendor_pupils.values())
    matched = sum(len(v & pupils.get(school, set())) for school, v in vendor_pupils.items())
    declared = {r["Mã trường"]: r["Phần mềm quản lý trường học"] for r in schools}
    mismatch = 0
    for code, software in declared.items():
        delivered = {v for v in ("smas", "vnedu") if code in on[v]}
        wanted = {"SMAS": {"smas"}, "vnEdu": {"vnedu"}}.get(software, set())
        mismatch += delivered != wanted
    section = {
        "school_year": school_year,
        "schools": len(schools),
        "classes": len(classes),
        "students": enrolled,
        "teachers": teachers,
        "schools_on_smas": len(on["smas"]),
        "schools_on_vnedu": len(on["vnedu"]),
        "students_matched_pct": ds.pct(matched, in_vendor),
    }
    reconciliation = {
        "schools_delivering": len(on["smas"] | on["vnedu"]),
        "schools_on_both": len(on["smas"] & on["vnedu"]),
        "schools_declared_smas": sum(v == "SMAS" for v in declared.values()),
        "schools_declared_vnedu": sum(v == "vnEdu" for v in declared.values()),
        "schools_declared_not_delivered_as_declared": mismatch,
        "students_in_vendor_exports": in_vendor,
        "students_matched": matched,
        "students_only_in_vendor_exports": in_vendor - matched,
    }
    return {"schools": section, "reconciliation": reconciliation, "quarantine": quarantine}
