"""The csdl.moet stand-in: API key, listing at the clock, files and their sha256."""

from __future__ import annotations

import hashlib
from datetime import datetime

import requests

from tests.schools.conftest import API_KEY, serve_moet

DEPT = "000.23.34.H48"


def test_listing_key_clock_and_files(small_province):
    data_dir, result = small_province
    with serve_moet(data_dir) as server:
        base = server.base_url + "/moet"
        url = base + "/api/v1/exports"
        params = {"ma_so": DEPT, "nam_hoc": "2019-2020"}
        assert requests.get(url, params=params, timeout=10).status_code == 401
        assert (
            requests.get(url, params=params, headers={"X-Api-Key": "wrong"}, timeout=10).status_code
            == 401
        )
        key = {"X-Api-Key": API_KEY}
        assert requests.get(url, params={"ma_so": DEPT}, headers=key, timeout=10).status_code == 400
        other = requests.get(
            url, params={**params, "ma_so": "000.00.00.H00"}, headers=key, timeout=10
        ).json()
        assert other == {"data": []}
        listing = requests.get(url, params=params, headers=key, timeout=10).json()["data"]
        kinds = {item["loai"] for item in listing}
        assert kinds == {"truong", "lop", "hoc_sinh", "giao_vien"}
        assert len({item["file"] for item in listing}) == len(listing)
        truong = next(item for item in listing if item["loai"] == "truong")
        assert truong["ma_truong"] is None and truong["url"].endswith(".v2.xlsx")
        body = requests.get(base + truong["url"], headers=key, timeout=10).content
        assert hashlib.sha256(body).hexdigest() == truong["sha256"]
        late = result["cases"]["changed_after_as_of"][0]
        name = f"CSDL_GiaoVien_{late}.xlsx"
        before = next(item for item in listing if item["file"] == name)
        server.clock = datetime(2019, 12, 31, 23, 59, 59)
        after = requests.get(url, params=params, headers=key, timeout=10).json()["data"]
        changed = next(item for item in after if item["file"] == name)
        assert changed["sha256"] != before["sha256"]
        server.clock = datetime(2019, 9, 1)
        assert requests.get(url, params=params, headers=key, timeout=10).json()["data"] == []
        assert requests.get(base + truong["url"], headers=key, timeout=10).status_code == 404
