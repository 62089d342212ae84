"""The school information systems (SMAS, vnEdu): which school uses which, and a pupil's
record as each delivers it."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict

from eduwh_sandbox.schools_dataset.province import School, Student, weighted_choice


def vendor_record(vendor: str, s: Student, rng: random.Random) -> dict[str, str]:
    score = round(rng.uniform(4.5, 9.6), 1)
    absences = str(min(int(rng.expovariate(0.5)), 30))
    birth = s.birth.strftime("%d/%m/%Y")
    if vendor == "smas":
        academic = (
            "Giỏi"
            if score >= 8
            else "Khá"
            if score >= 6.5
            else "Trung bình"
            if score >= 5
            else "Yếu"
        )
        return {
            "MaHocSinh": s.code,
            "HoTen": s.name,
            "NgaySinh": birth,
            "Lop": s.class_name,
            "DiemTBHK": f"{score:.1f}".replace(".", ","),
            "HocLuc": academic,
            "HanhKiem": weighted_choice(rng, ["Tốt", "Khá", "Trung bình", "Yếu"], [70, 22, 7, 1]),
            "SoNgayNghi": absences,
            "SLLDT": "Có" if rng.random() < 0.62 else "Không",
        }
    academic = (
        "Tốt" if score >= 8 else "Khá" if score >= 6.5 else "Đạt" if score >= 5 else "Chưa đạt"
    )
    return {
        "MaVnedu": f"VN{int(hashlib.md5(s.code.encode()).hexdigest()[:8], 16):010d}",
        "MaHocSinh": s.code,
        "HoTen": s.name,
        "NgaySinh": birth,
        "Lop": s.class_name,
        "KetQuaHocTap": academic,
        "RenLuyen": weighted_choice(rng, ["Tốt", "Khá", "Đạt", "Chưa đạt"], [72, 20, 7, 1]),
        "SoBuoiNghi": absences,
        "SoLienLacDienTu": "1" if rng.random() < 0.58 else "0",
    }


def assign_vendors(schools: list[School], rng: random.Random) -> dict[str, list[str]]:
    """Who delivers what; the special cases go to the first eligible schools so that even a
    small province has each of them."""
    cases: dict[str, list[str]] = defaultdict(list)
    eligible = [s for s in schools if s.level != "Mầm non"]
    for i, school in enumerate(eligible):
        declared = {"SMAS": "smas", "vnEdu": "vnedu"}.get(school.declared)
        if i == 0:
            school.declared = "SMAS"
            school.delivers = ("vnedu",)
            cases["declares_smas_delivers_vnedu"].append(school.code)
        elif i == 1:
            school.declared = "vnEdu"
            school.delivers = ("smas", "vnedu")
            cases["delivers_both"].append(school.code)
        elif i == 2:
            school.declared = "vnEdu"
            school.delivers = ()
            cases["declared_but_no_delivery"].append(school.code)
        elif declared and rng.random() < 0.97:
            school.delivers = (declared,)
        elif declared:
            school.delivers = ()
            cases["declared_but_no_delivery"].append(school.code)
        elif rng.random() < 0.3:
            school.delivers = ("smas",)
            cases["declares_other_delivers_smas"].append(school.code)
        if "smas" in school.delivers:
            school.cp1258 = rng.random() < 0.3 or i == 1
    for school in schools:  # some pre-schools declare a vendor and do deliver
        if school.level == "Mầm non" and school.declared in ("SMAS", "vnEdu"):
            school.delivers = ({"SMAS": "smas", "vnEdu": "vnedu"}[school.declared],)
    return cases
