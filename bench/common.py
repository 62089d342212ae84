"""Shared by the benchmarks: an own embedded warehouse, and generated dossier records."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "include"))

from eduwh import warehouse  # noqa: E402
from eduwh.config import Settings  # noqa: E402

AGENCY = "000.23.34.H48"
PROCEDURES = [f"1.00{4880 + i}" for i in range(41)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def own_warehouse() -> Iterator[Settings]:
    """A fresh embedded warehouse in a temp EDUWH_HOME on a free port, stopped after."""
    home = tempfile.mkdtemp(prefix="eduwh-bench-")
    os.chmod(home, 0o755)
    os.environ.pop("WAREHOUSE_DSN", None)
    os.environ["EDUWH_HOME"] = home
    os.environ["EDUWH_PG_PORT"] = str(free_port())
    settings = Settings.from_env()
    warehouse.ensure(settings)
    try:
        yield settings
    finally:
        warehouse.stop(settings)
        shutil.rmtree(home, ignore_errors=True)


def ts(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def dossiers(n: int, seed: int = 1) -> Iterator[dict]:
    """``n`` dossier versions shaped like the portal's, ordered by NgayCapNhat; ~0.1% invalid."""
    rng = random.Random(seed)
    start = datetime(2018, 1, 1, 7)
    step = timedelta(seconds=max(1, int(2 * 365 * 86400 / max(n, 1))))
    for i in range(n):
        received = start + step * i
        record = {
            "MaHoSo": f"{AGENCY}-{received:%y%m%d}-{i % 10000:04d}",
            "MaTTHC": PROCEDURES[i % len(PROCEDURES)],
            "TenTTHC": "Cấp bản sao văn bằng",
            "MaLinhVuc": "G04",
            "TenLinhVuc": "Hệ thống văn bằng, chứng chỉ",
            "KenhThucHien": str(1 + i % 3),
            "HinhThuc": "0",
            "LoaiDoiTuong": "1",
            "ChuHoSo": "Nguyễn Văn An",
            "SoGiayToChuHoSo": f"{rng.randrange(10**12):012d}",
            "TrichYeuHoSo": "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "NgayNopHoSo": ts(received - timedelta(hours=1)),
            "NgayTiepNhan": ts(received),
            "NgayHenTra": ts(received + timedelta(days=3)),
            "NgayKetThucXuLy": None,
            "NgayTra": None,
            "TrangThaiHoSo": "2",
            "DonViXuLy": "Phòng Khảo thí",
            "NgayCapNhat": ts(received),
        }
        if i % 1000 == 999:
            record["NgayTiepNhan"] = "31/02/2019 25:00:00"
        yield record


def dumps(record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
