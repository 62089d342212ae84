"""Fixtures of the load tests: a deterministic small portal data set and its stub server."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

import pytest

from tests.load.portal_stub import PortalStub

AGENCY = "000.23.34.H48"
PROCEDURES = [f"1.00{4880 + i}" for i in range(6)]
FIRST_DAY = datetime(2019, 11, 25)
NIGHT_END = datetime(2019, 12, 7)  # the end of 2019-12-06, exclusive


def ts(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def make_portal_data(n_dossiers: int = 80, seed: int = 7):
    """(catalogue, every dossier version, {MaHoSo or tag: expected reason}) — deterministic."""
    rng = random.Random(seed)
    catalogue = [
        {
            "MaTTHC": code,
            "TenTTHC": f"Thủ tục {i}",
            "MaLinhVuc": "GDTH",
            "TenLinhVuc": "Giáo dục trung học",
            "MucDo": 2 + i % 3,
            "CoBCCI": i % 2 == 0,
            "CoQuanThucHien": AGENCY,
            "QuyetDinhCongBo": "1019/QĐ-UBND",
            "NgayCapNhat": "20190301080000",
        }
        for i, code in enumerate(PROCEDURES)
    ]
    versions, bad = [], {}
    for n in range(n_dossiers):
        code = f"{AGENCY}-1911{25 + n % 5:02d}-{n:04d}"
        received = FIRST_DAY + timedelta(
            days=rng.randrange(0, 10), hours=rng.randrange(7, 17), minutes=rng.randrange(60)
        )
        base = {
            "MaHoSo": code,
            "MaTTHC": rng.choice(PROCEDURES),
            "KenhThucHien": "3",
            "HinhThuc": "0",
            "LoaiDoiTuong": "1",
            "ChuHoSo": "Nguyễn Văn A" if n % 2 else "Nguye\u0302\u0303n Văn A",
            "SoGiayToChuHoSo": f"{n:012d}",
            "TrichYeuHoSo": "Cấp bản sao văn bằng",
            "NgayNopHoSo": ts(received - timedelta(hours=1)),
            "NgayTiepNhan": ts(received),
            "NgayHenTra": ts(received + timedelta(days=5)),
            "NgayKetThucXuLy": "",
            "NgayTra": None,
            "TrangThaiHoSo": "2",
            "DonViXuLy": "Phòng GDTrH",
            "NgayCapNhat": ts(received),
        }
        kind = n % 16
        if kind == 3:
            base.pop("MaHoSo")
            bad[f"#nokey{n}"] = "missing_key"
        elif kind == 5:
            base["NgayHenTra"] = ts(received - timedelta(hours=3))
            bad[code] = "due_before_receipt"
        elif kind == 7:
            base["MaTTHC"] = "9.999999"
            bad[code] = "unknown_procedure"
        elif kind == 9:
            base["NgayTiepNhan"] = "31/02/2019 25:00:00"
            bad[code] = "unparsable_date"
        elif kind == 11:  # valid, old client's format
            base["NgayTiepNhan"] = received.strftime("%d/%m/%Y %H:%M:%S")
        versions.append(base)
        if code not in bad and kind != 3:  # later versions for the good ones
            moment = received
            for step in range(rng.randrange(0, 3)):
                moment += timedelta(days=rng.randrange(1, 4), minutes=rng.randrange(1, 600))
                later = dict(base, TrangThaiHoSo=str(4 + step * 5), NgayCapNhat=ts(moment))
                if step == 1:
                    later["NgayKetThucXuLy"] = ts(moment)
                versions.append(later)
    return catalogue, versions, bad


@pytest.fixture
def portal_data():
    return make_portal_data()


@pytest.fixture
def stub(portal_data):
    catalogue, versions, _ = portal_data
    with PortalStub(catalogue, versions, clock=NIGHT_END - timedelta(seconds=1)) as server:
        yield server


@pytest.fixture
def fast_client_env(monkeypatch):
    """Small pages (paging exercised) and short backoffs."""
    monkeypatch.setenv("MOTCUA_PAGE_SIZE", "7")
    monkeypatch.setenv("MOTCUA_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("MOTCUA_BACKOFF_MAX", "0.05")
    monkeypatch.setenv("MOTCUA_READ_TIMEOUT", "5")


@pytest.fixture
def stub_settings(fresh_settings, stub, fast_client_env):
    return dataclasses.replace(
        fresh_settings,
        motcua_base_url=stub.base_url,
        agency_code=AGENCY,
        motcua_client_id="eduwh",
        motcua_client_secret="stub-secret",
        motcua_extract_from="2019-01-01T00:00:00+07:00",  # the stub's first window
    )
