"""The 2025 data set's agency and dates, and the procedure catalogue from 2022: the
Decree 42/2022 re-publication and the later decisions (each procedure's online service,
fee and result)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from eduwh_sandbox.motcua_dataset import catalogue as motcua_catalogue
from eduwh_sandbox.motcua_dataset import timestamps as motcua_timestamps
from eduwh_sandbox.motcua_dataset.catalogue import (
    BCCI_OCTOBER,
    DECISION,
    FIELDS,
    procedure_state,
)

NAME = "quang-ngai-2025"
AGENCY_CODE = motcua_catalogue.META["agency"]["code"]
YEAR = 2025
AS_OF = date(2025, 12, 31)
CLOCK = datetime(2025, 12, 31, 23, 59, 59)
FIRST_DAY = date(2022, 1, 1)
NEW_FIELDS_FROM = date(2022, 7, 1)  # dossiers received from then on carry the new fields

META = {
    "name": NAME,
    "agency": dict(motcua_catalogue.META["agency"]),
    "department_code": motcua_catalogue.META["department_code"],
    "year": YEAR,
    "as_of": AS_OF.isoformat(),
    "school_year": "2025-2026",
}

TS_FORMAT = motcua_timestamps.TS_FORMAT
LEGACY_FORMAT = motcua_timestamps.LEGACY_FORMAT

STAGES = (
    (datetime(2022, 9, 20, 8, 15, 0), "1520/QĐ-UBND"),  # Decree 42/2022 re-publication
    (datetime(2023, 4, 10, 9, 0, 0), "612/QĐ-UBND"),
    (datetime(2024, 3, 5, 14, 0, 0), "305/QĐ-UBND"),
    (datetime(2024, 10, 15, 10, 30, 0), "1187/QĐ-UBND"),
)
INITIAL = datetime(2021, 12, 15, 8, 0, 0)
RENAME_2025 = (
    "1.005092",
    datetime(2025, 5, 20, 15, 20, 0),
    "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở giáo dục nước ngoài cấp",
    "2048/QĐ-UBND",
)
# Only the version of December 2021 (MucDo, no DVCTrucTuyen); MucDo there.
LEGACY = {"1.004442": 2, "1.004440": 2, "1.004938": 3}


@dataclass(frozen=True)
class Service:
    """The Decree 42 attributes of one procedure: DVCTrucTuyen per stage, flags."""

    history: str  # one letter per stage: t toan_trinh, m mot_phan, - none
    eligible: bool  # DuDieuKienToanTrinh
    fee: int  # VND; 0: CoPhiLePhi false
    paper: bool  # YeuCauKetQuaGiay
    unit: str = "ngay_lam_viec"


S = Service
# fmt: off
SERVICES: dict[str, Service] = {
    "1.004889": S("mttt", True, 20000, True),
    "2.001818": S("-mmt", True, 0, True),
    "1.005092": S("--mm", False, 0, True),
    "1.005089": S("mmtt", True, 0, False),
    "2.001914": S("mttt", True, 20000, True),
    "1.001000": S("-mmm", False, 0, True, "ngay"),
    "1.001088": S("mmtt", True, 0, False),
    "1.004831": S("-mmt", True, 0, False),
    "1.004845": S("-mtt", True, 10000, True),
    "1.004475": S("--mm", False, 0, True),
    "1.004444": S("--mm", False, 0, True),
    "1.004545": S("---m", False, 0, True),
    "1.004552": S("--mm", False, 0, True),
    "1.004563": S("-mmm", False, 0, True, "ngay"),
    "1.005097": S("mmmt", True, 150000, True),
    "1.005073": S("-mmm", False, 2000000, True),
    "1.005074": S("-mmm", False, 3000000, True),
    "1.005075": S("--mm", False, 0, True),
    "1.005076": S("--mm", False, 0, True),
    "1.004436": S("----", False, 0, True),
    "1.004437": S("----", False, 0, True),
    "2.001611": S("-mmm", True, 0, True),
    "2.001612": S("--mm", False, 0, False),
    "1.005094": S("mttt", True, 30000, False),
    "1.005095": S("--mm", False, 0, True),
    "1.005142": S("-mmt", True, 0, False),
    "2.002478": S("mttt", True, 100000, False),
    "2.002481": S("-mmm", False, 1500000, True),
    "1.005063": S("--mm", False, 0, True),
    "1.005064": S("---m", False, 0, True),
    "1.005065": S("----", False, 0, True),
    "1.004500": S("----", False, 0, True),
    "1.004501": S("--mm", False, 0, True),
    "1.004502": S("-mmm", True, 0, True),
    "1.005040": S("--mm", False, 0, True),
    "1.005041": S("----", False, 0, True),
    "1.004999": S("---m", False, 0, True),
    "1.005001": S("-mtt", True, 0, False),
}
# fmt: on
FEE_NAMES = {
    "1.004889": "Phí cấp bản sao văn bằng, chứng chỉ",
    "2.001914": "Phí cấp bản sao chứng chỉ",
    "1.004845": "Phí cấp bản sao học bạ",
    "1.005097": "Lệ phí cấp giấy phép dạy thêm",
    "1.005073": "Phí thẩm định thành lập trung tâm",
    "1.005074": "Phí thẩm định điều kiện hoạt động",
    "1.005094": "Phí phúc khảo bài thi",
    "2.002478": "Lệ phí dự thi",
    "2.002481": "Phí thẩm định cấp giấy chứng nhận",
}
DVC = {"t": "toan_trinh", "m": "mot_phan", "-": ""}
LEVEL_OF = {"toan_trinh": 4, "mot_phan": 3}
NAME_2019 = {
    p.code: procedure_state(p.code, datetime(2021, 1, 1))["name"]
    for p in motcua_catalogue.PROCEDURES
}
PROCEDURES = {p.code: p for p in motcua_catalogue.PROCEDURES}
if set(SERVICES) | set(LEGACY) != set(PROCEDURES):  # pragma: no cover - a table error
    raise AssertionError("SERVICES and LEGACY must cover the 2019 catalogue")


def _base_level(code: str) -> int:
    if code in LEGACY:
        return LEGACY[code]
    return procedure_state(code, datetime(2021, 1, 1))["level"]


def catalogue_versions() -> list[dict[str, Any]]:
    """Every version of every procedure, ordered by NgayCapNhat then MaTTHC."""
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(motcua_catalogue.PROCEDURES):
        rows.append(
            {
                "MaTTHC": p.code,
                "TenTTHC": NAME_2019[p.code],
                "MaLinhVuc": p.field,
                "TenLinhVuc": FIELDS[p.field],
                "MucDo": _base_level(p.code),
                "CoBCCI": p.bcci or p.code == BCCI_OCTOBER[0],
                "CoQuanThucHien": AGENCY_CODE,
                "QuyetDinhCongBo": DECISION,
                "NgayCapNhat": (INITIAL + timedelta(minutes=3 * i)).strftime(TS_FORMAT),
            }
        )
        svc = SERVICES.get(p.code)
        if svc is None:
            continue
        prev: str | None = None
        for stage, (when, decision) in enumerate(STAGES):
            value = DVC[svc.history[stage]]
            if stage > 0 and value == prev:
                continue
            prev = value
            rec = {
                **rows[-1],
                "MucDo": LEVEL_OF.get(value, _base_level(p.code)),
                "QuyetDinhCongBo": decision,
                "DVCTrucTuyen": value,
                "DuDieuKienToanTrinh": svc.eligible,
                "CoPhiLePhi": svc.fee > 0,
                "YeuCauKetQuaGiay": svc.paper,
                "ThoiHanGiaiQuyet": p.days,
                "DonViTinh": svc.unit,
                "NgayCapNhat": (when + timedelta(minutes=2 * i, seconds=i)).strftime(TS_FORMAT),
            }
            rows.append(rec)
        if p.code == RENAME_2025[0]:
            rows.append(
                {
                    **rows[-1],
                    "TenTTHC": RENAME_2025[2],
                    "QuyetDinhCongBo": RENAME_2025[3],
                    "NgayCapNhat": RENAME_2025[1].strftime(TS_FORMAT),
                }
            )
    rows.sort(key=lambda r: (r["NgayCapNhat"], r["MaTTHC"]))
    return rows


def service_at(code: str, when: datetime) -> str:
    """DVCTrucTuyen of a procedure at ``when`` (the pre-Decree-42 rule before a version)."""
    svc = SERVICES.get(code)
    value = None
    if svc is not None:
        for stage, (t, _) in enumerate(STAGES):
            if t <= when:
                value = DVC[svc.history[stage]]
    if value is None:
        return {4: "toan_trinh", 3: "mot_phan"}.get(_base_level(code), "")
    return value


def name_at(code: str, when: datetime) -> str:
    if code == RENAME_2025[0] and when >= RENAME_2025[1]:
        return RENAME_2025[2]
    return NAME_2019[code]
