"""The loader on records with the fields since 2022: unknown codes go to quarantine with
their reason and field, versions without the new fields still land."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from eduwh import warehouse
from eduwh.land.motcua import extract_load
from tests.load.conftest import AGENCY
from tests.load.portal_stub import PortalStub

NIGHT_END = datetime(2025, 7, 11)


def procedure(code: str, **fields) -> dict:
    return {
        "MaTTHC": code,
        "TenTTHC": f"Thủ tục {code}",
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": "Giáo dục trung học",
        "MucDo": 3,
        "CoBCCI": True,
        "CoQuanThucHien": AGENCY,
        "QuyetDinhCongBo": "1019/QĐ-UBND",
        "NgayCapNhat": "20250301080000",
        **fields,
    }


def dossier(n: int, **fields) -> dict:
    return {
        "MaHoSo": f"{AGENCY}-250701-{n:04d}",
        "MaTTHC": "1.000001",
        "KenhThucHien": "2",
        "HinhThuc": "0",
        "LoaiDoiTuong": "1",
        "ChuHoSo": "Nguyễn Văn A",
        "SoGiayToChuHoSo": f"{n:012d}",
        "NgayNopHoSo": "20250701080000",
        "NgayTiepNhan": "20250701080000",
        "NgayHenTra": "20250708170000",
        "NgayKetThucXuLy": "",
        "TrangThaiHoSo": "2",
        "NgayCapNhat": f"202507{1 + n:02d}080000",
        **fields,
    }


CATALOGUE = [
    procedure("1.000001", DVCTrucTuyen="toan_trinh", DonViTinh="ngay_lam_viec", ThoiHanGiaiQuyet=5),
    procedure("1.000002"),  # before Decree 42/2022: no new field
    procedure("1.000003", DVCTrucTuyen="muc_do_4"),  # unknown code
    procedure("1.000004", DonViTinh="thang"),  # unknown unit
]
VERSIONS = [
    dossier(
        1,
        DuocThanhToanTrucTuyen="1",
        QuaTrinhXuLy=[{"TrangThai": "2", "ThoiDiem": "20250701080000"}],
    ),
    dossier(2),  # no new field: lands
    dossier(3, DuocThanhToanTrucTuyen="9"),
    dossier(4, QuaTrinhXuLy=[{"TrangThai": "2", "ThoiDiem": "x"}]),
    dossier(5, QuaTrinhXuLy=[{"TrangThai": "12", "ThoiDiem": "20250701080000"}]),
    dossier(6, MaTTHC="1.000003"),  # its procedure was quarantined: unknown procedure
]


def test_unknown_codes_are_quarantined_with_their_reason(fresh_settings, fast_client_env):
    with PortalStub(CATALOGUE, VERSIONS, clock=NIGHT_END - timedelta(seconds=1)) as stub:
        settings = dataclasses.replace(
            fresh_settings,
            motcua_base_url=stub.base_url,
            agency_code=AGENCY,
            motcua_client_id="eduwh",
            motcua_client_secret="stub-secret",
        )
        summary = extract_load(settings, NIGHT_END, run_id="night-2025")
    assert (summary["thutuc"]["landed"], summary["thutuc"]["quarantined"]) == (2, 2)
    assert (summary["hoso"]["landed"], summary["hoso"]["quarantined"]) == (2, 4)
    with warehouse.connect(settings) as conn:
        quarantined = conn.execute("select entity, reason, detail from meta.quarantine").fetchall()
        landed = conn.execute(
            "select record->>'MaHoSo' from raw.motcua__hoso order by 1"
        ).fetchall()
    assert sorted(quarantined) == [
        ("hoso", "unknown_code", "DuocThanhToanTrucTuyen='9'"),
        ("hoso", "unknown_code", "QuaTrinhXuLy[0].TrangThai='12'"),
        ("hoso", "unknown_procedure", "MaTTHC='1.000003'"),
        ("hoso", "unparsable_date", "QuaTrinhXuLy[0].ThoiDiem='x'"),
        ("thutuc", "unknown_code", "DVCTrucTuyen='muc_do_4'"),
        ("thutuc", "unknown_code", "DonViTinh='thang'"),
    ]
    assert [r[0] for r in landed] == [VERSIONS[0]["MaHoSo"], VERSIONS[1]["MaHoSo"]]
