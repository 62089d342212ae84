"""Writes the csdl.moet exports and the SIS deliveries of each school year into the data
set (``ExportWriter``, ``write_all``)."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from eduwh_sandbox.schools_dataset.catalogue import SCHOOL_YEAR, TZ
from eduwh_sandbox.schools_dataset.province import (
    FileVersion,
    PersonNames,
    School,
    Staff,
    Student,
    birth_date,
    weighted_choice,
)
from eduwh_sandbox.schools_dataset.records import (
    GIAO_VIEN_2018,
    GIAO_VIEN_2019,
    HOC_SINH_2018,
    HOC_SINH_2019,
    LOP_2018,
    LOP_2019,
    SMAS,
    TRUONG,
    VNEDU,
    as_text,
    staff_record,
    student_record,
    truong_record,
)
from eduwh_sandbox.schools_dataset.spreadsheets import (
    export_title,
    sheet_rows,
    to_cp1258,
    write_xlsx_file,
)
from eduwh_sandbox.schools_dataset.vendors import vendor_record


class ExportWriter:
    """Collects what is written; the xlsx files themselves are written by a small process
    pool at full scale (openpyxl spends ~10 µs per cell: 4-5 M cells on one core take
    about 45 s, on two about half that)."""

    MAX_IN_FLIGHT = 32

    def __init__(
        self, out_dir: Path, rng: random.Random, workers: int = 0, school_year: str = SCHOOL_YEAR
    ):
        self.out = out_dir
        self.rng = rng
        self.school_year = school_year  # of the files written next (a writer may do several)
        self.manifest: list[dict[str, Any]] = []
        self.files: list[FileVersion] = []
        self.versions: dict[str, int] = defaultdict(int)
        self.pool = None
        self.pending: list[Any] = []
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))

    def xlsx(
        self, target: Path, rows: list[list[Any]], sheet: str = "Sheet1", keep: float = 1.0
    ) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.pool is None:
            write_xlsx_file(target, rows, sheet, keep)
            return
        self.pending.append(self.pool.submit(write_xlsx_file, target, rows, sheet, keep))
        if len(self.pending) > self.MAX_IN_FLIGHT:
            self.pending.pop(0).result()

    def close(self) -> None:
        for future in self.pending:
            future.result()
        self.pending = []
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def moet(
        self,
        name: str,
        kind: str,
        school: School | None,
        changed: datetime,
        headers: list[str],
        records: list[dict[str, Any]],
        what: str,
        label: str,
        bad: str | None = None,
    ) -> None:
        rng = self.rng
        self.versions[name] += 1
        version = self.versions[name]
        style = weighted_choice(rng, ["nfc", "nfd", "upper", "lower"], [70, 15, 10, 5])
        excel_dates = rng.random() < 0.2
        if bad and bad.startswith("missing_column:"):
            headers = [h for h in headers if h != bad.split(":", 1)[1]]
        rows = sheet_rows(
            rng,
            export_title(rng, school, what, changed - timedelta(minutes=5)),
            headers,
            records,
            style,
            excel_dates,
            label,
        )
        stem, ext = name.rsplit(".", 1)
        path = f"files/{stem}.v{version}.{ext}"
        self.xlsx(self.out / "csdl_moet" / path, rows, keep=0.5 if bad == "corrupt_xlsx" else 1)
        self.manifest.append(
            {
                "file": name,
                "path": path,
                "loai": kind,
                "ma_truong": school.code if school else None,
                "nam_hoc": self.school_year,
                "cap_nhat_luc": changed.strftime("%Y-%m-%dT%H:%M:%S") + TZ,
            }
        )
        self.files.append(
            FileVersion(
                "csdl_moet",
                name,
                path,
                kind,
                school.code if school else None,
                changed,
                [as_text(r) for r in records],
                bad,
            )
        )

    def delivery(
        self,
        vendor: str,
        school: School,
        term: int,
        stamp: datetime,
        records: list[dict[str, str]],
        bad: str | None = None,
    ) -> None:
        name = f"{school.code}_{self.school_year}_HK{term}_{stamp:%Y%m%d%H%M}"
        folder = self.out / "sis" / vendor
        folder.mkdir(parents=True, exist_ok=True)
        headers = list(SMAS if vendor == "smas" else VNEDU)
        if bad and bad.startswith("missing_column:"):
            headers.remove(bad.split(":", 1)[1])
        if vendor == "smas":
            name += ".csv"
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            writer.writerow(headers)
            for r in records:
                writer.writerow([r.get(h, "") for h in headers])
            text = buffer.getvalue()
            if bad == "wrong_encoding":
                data = text.encode("utf-16")
            elif school.cp1258:
                data = to_cp1258(text)
            else:
                data = b"\xef\xbb\xbf" + text.encode("utf-8")
        else:
            name += ".xlsx"
            rows: list[list[Any]] = [] if bad == "no_header_row" else [headers]
            rows += [[r.get(h, "") for h in headers] for r in records]
            self.xlsx(folder / name, rows, "DanhSach", keep=0.66 if bad == "corrupt_xlsx" else 1)
            data = None
        if data is not None:
            (folder / name).write_bytes(data)
        self.files.append(
            FileVersion(
                vendor, name, f"{vendor}/{name}", "delivery", school.code, stamp, records, bad, term
            )
        )


def write_all(
    out_dir: Path,
    schools: list[School],
    rng: random.Random,
    cases: dict[str, list[str]],
    workers: int,
) -> ExportWriter:
    w = ExportWriter(out_dir, rng, workers)
    try:
        _write_files(w, schools, rng, cases)
    finally:
        w.close()
    return w


def _write_files(
    w: ExportWriter, schools: list[School], rng: random.Random, cases: dict[str, list[str]]
) -> None:
    # the province's school list: v1 in September, v2 in November (a renamed school,
    # a declaration corrected)
    truong_v1 = [truong_record(s) for s in schools]
    w.moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        datetime(2019, 9, 20, 16, 30),
        TRUONG,
        truong_v1,
        "DANH SÁCH TRƯỜNG HỌC NĂM HỌC 2019-2020",
        "trường",
    )
    changed_students: set[str] = set()
    late_schools: set[str] = set()
    for i, school in enumerate(schools):
        first = datetime(2019, 9, 25) + timedelta(
            days=rng.randint(0, 40),
            hours=rng.randint(7, 22),
            minutes=rng.choice([0, 10, 20, 30, 40, 50]),
        )
        hs_name = f"C1-HocSinh_{school.code}.xlsx"
        gv_name = f"CSDL_GiaoVien_{school.code}.xlsx"
        lop_name = f"DanhSachLop_{school.code}.xlsx"
        lop_records = [
            {
                "Mã lớp": c,
                "Tên lớp": n,
                "Khối": g if not g.isdigit() else int(g),
                "Mã trường": school.code,
                "Năm học": SCHOOL_YEAR,
                "Buổi học": "2 buổi/ngày",
            }
            for c, n, g in school.classes
        ]
        w.moet(
            lop_name,
            "lop",
            school,
            first,
            LOP_2019 if school.template == "2019" else LOP_2018,
            lop_records,
            "DANH SÁCH LỚP HỌC",
            "lớp",
            bad="corrupt_xlsx" if i == len(schools) - 1 else None,
        )
        hs_headers = HOC_SINH_2019 if school.template == "2019" else HOC_SINH_2018
        redo = rng.random() < 0.06 or i in (1, 3)
        students = school.students
        if redo:  # v1 before a status change and a late enrolment; v2 is the truth
            late, moved = students[-1], students[len(students) // 2]
            moved.status, moved.status_date = "Đang học", date(2019, 9, 5)
            v1 = [student_record(s) for s in students if s is not late]
            moved.status, moved.status_date = "Chuyển trường", date(2019, 11, 18)
            w.moet(
                hs_name, "hoc_sinh", school, first, hs_headers, v1, "DANH SÁCH HỌC SINH", "học sinh"
            )
            second = datetime(2019, 11, 20) + timedelta(days=rng.randint(0, 15), hours=20)
            w.moet(
                hs_name,
                "hoc_sinh",
                school,
                second,
                hs_headers,
                [student_record(s) for s in students],
                "DANH SÁCH HỌC SINH",
                "học sinh",
            )
            changed_students.add(school.code)
        else:
            w.moet(
                hs_name,
                "hoc_sinh",
                school,
                first,
                hs_headers,
                [student_record(s) for s in students],
                "DANH SÁCH HỌC SINH",
                "học sinh",
            )
        w.moet(
            gv_name,
            "giao_vien",
            school,
            first + timedelta(minutes=7),
            GIAO_VIEN_2019 if school.template == "2019" else GIAO_VIEN_2018,
            [staff_record(s) for s in school.staff],
            "DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
            "cán bộ",
            bad="missing_column:Mã cán bộ" if i == len(schools) - 2 else None,
        )
        if i in (0, 2, 4):  # changes after the as-of date: invisible at the default clock
            late_schools.add(school.code)
    truong_v2 = [truong_record(s) for s in schools]
    truong_v2[0]["Tên trường"] += " (cơ sở chính)"
    w.moet(
        "DanhSachTruong.xlsx",
        "truong",
        None,
        datetime(2019, 11, 28, 9, 15),
        TRUONG,
        truong_v2,
        "DANH SÁCH TRƯỜNG HỌC NĂM HỌC 2019-2020",
        "trường",
    )
    by_code = {s.code: s for s in schools}
    for code in sorted(late_schools):
        school = by_code[code]
        extra = Staff(
            code=f"CB{code}999",
            name="Trần Văn Mới",
            birth=date(1995, 5, 5),
            gender="Nam",
            email="",
            status="Đang làm việc",
            position="Giáo viên",
            role="Giáo viên",
            subject="",
            qualification="Đại học",
            it_level="",
        )
        school_staff = [staff_record(s) for s in school.staff + [extra]]
        w.moet(
            f"CSDL_GiaoVien_{code}.xlsx",
            "giao_vien",
            school,
            datetime(2019, 12, 10, 21, 0),
            GIAO_VIEN_2019 if school.template == "2019" else GIAO_VIEN_2018,
            school_staff,
            "DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
            "cán bộ",
        )

    # SIS deliveries of the first term
    redelivered: list[str] = []
    for i, school in enumerate(s for s in schools if s.delivers):
        enrolled = [s for s in school.students if s.status == "Đang học"]
        for vendor in school.delivers:
            # the vendor's own list: a few pupils missing, a few the csdl.moet does not know
            records = [vendor_record(vendor, s, rng) for s in enrolled if rng.random() > 0.015]
            for k in range(rng.choice([0, 0, 1, 2])):
                ghost = Student(
                    code=f"{school.code}9{k:04d}",
                    class_code="",
                    class_name=enrolled[0].class_name if enrolled else "1A",
                    name=PersonNames(rng).person("Nam", False),
                    birth=birth_date(rng, 2010),
                    gender="Nam",
                    status="Đang học",
                    status_date=date(2019, 9, 5),
                    ethnicity="Kinh",
                    disability="",
                    identity="",
                )
                records.append(vendor_record(vendor, ghost, rng))
            stamp = datetime(2019, 11, 25, 23, 0) + timedelta(
                days=rng.randint(0, 8), minutes=rng.randint(0, 50)
            )
            if i in (0, 3) or rng.random() < 0.05:  # a first delivery missing a block
                partial = records[: max(1, len(records) * 4 // 5)]
                w.delivery(vendor, school, 1, stamp - timedelta(days=3), partial)
                redelivered.append(f"{vendor}:{school.code}")
            w.delivery(vendor, school, 1, stamp, records)
    # bad deliveries: each the latest stamp of its (vendor, school, term)
    smas = [s for s in schools if "smas" in s.delivers]
    vnedu = [s for s in schools if "vnedu" in s.delivers]
    late = datetime(2019, 12, 5, 23, 40)
    bad_cases = [
        ("smas", smas[0] if smas else None, "wrong_encoding"),
        ("smas", smas[-1] if smas else None, "missing_column:MaHocSinh"),
        ("vnedu", vnedu[0] if vnedu else None, "no_header_row"),
        ("vnedu", vnedu[-1] if vnedu else None, "corrupt_xlsx"),
    ]
    for n, (vendor, school, reason) in enumerate(bad_cases):
        if school is None:
            continue
        enrolled = [s for s in school.students if s.status == "Đang học"][:40]
        w.delivery(
            vendor,
            school,
            1,
            late + timedelta(minutes=n),
            [vendor_record(vendor, s, rng) for s in enrolled],
            bad=reason,
        )
    cases["redelivered"] = redelivered
    cases["students_changed_v2"] = sorted(changed_students)
    cases["changed_after_as_of"] = sorted(late_schools)
