"""The education sector database (csdl.moet.gov.vn): export API client and file specs.

contracts/csdl_moet.md: ``GET /api/v1/exports?ma_so=&nam_hoc=`` lists the province's
export files (no paging) with their ``sha256`` and ``url``; ``GET {url}`` returns the
``.xlsx``. Every call carries ``X-Api-Key``. Calls go through ``RestClient`` (retries
on 429 / 5xx / resets with backoff, see ``sources/http.py``).

The files are read with ``sources/tabular.py``: columns by header text (any case, spaces,
NFC or NFD), title rows before the header, a ``Tổng cộng`` row after the data.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import requests

from eduwh.extract.http import RestClient, RetryPolicy, SourceError
from eduwh.extract.tabular import Columns

log = logging.getLogger(__name__)

SOURCE = "csdl_moet"
KINDS = ("truong", "lop", "hoc_sinh", "giao_vien")

COLUMNS: dict[str, Columns] = {
    "truong": Columns(
        required=("Mã trường", "Tên trường", "Cấp học"),
        optional=(
            "Loại hình",
            "Phòng GD&ĐT quản lý",
            "Quận/Huyện",
            "Xã/Phường",
            "Phần mềm quản lý trường học",
        ),
    ),
    "lop": Columns(
        required=("Mã lớp", "Tên lớp"),
        optional=("Khối", "Mã trường", "Năm học"),
    ),
    "hoc_sinh": Columns(
        required=("Mã học sinh", "Mã lớp", "Họ tên"),
        optional=(
            "Ngày sinh",
            "Giới tính",
            "Trạng thái HS",
            "Ngày nhập trạng thái",
            "Dân tộc",
            "Loại khuyết tật",
            "Số định danh cá nhân",
        ),
    ),
    "giao_vien": Columns(
        required=("Mã cán bộ", "Họ tên"),
        optional=(
            "Ngày sinh",
            "Giới tính",
            "Email",
            "Trạng thái CB",
            "Vị trí việc làm",
            "Nhóm chức vụ",
            "Môn dạy",
            "Trình độ chuyên môn",
            "Trình độ tin học",
        ),
    ),
}
KEY_COLUMN = {
    "truong": "Mã trường",
    "lop": "Mã lớp",
    "hoc_sinh": "Mã học sinh",
    "giao_vien": "Mã cán bộ",
}


@dataclass(frozen=True)
class Export:
    """One line of the listing."""

    file: str
    loai: str
    ma_truong: str | None
    nam_hoc: str
    cap_nhat_luc: str
    sha256: str
    url: str

    @classmethod
    def from_listing(cls, item: dict[str, Any]) -> Export:
        try:
            return cls(
                str(item["file"]),
                str(item["loai"]),
                str(item["ma_truong"]) if item.get("ma_truong") else None,
                str(item["nam_hoc"]),
                str(item.get("cap_nhat_luc") or ""),
                str(item["sha256"]).lower(),
                str(item["url"]),
            )
        except KeyError as error:
            raise SourceError(f"csdl_moet: listing item without {error}") from None


def make_client(base_url: str, api_key: str, retry: RetryPolicy | None = None) -> RestClient:
    if not api_key:
        raise ValueError("MOET_API_KEY is not set")
    session = requests.Session()
    session.headers["X-Api-Key"] = api_key
    return RestClient(base_url, retry=retry, session=session, source=SOURCE)


def list_exports(client: RestClient, department_code: str, school_year: str) -> list[Export]:
    body = client.get_json(
        "/api/v1/exports",
        where=f"exports {school_year}",
        params={"ma_so": department_code, "nam_hoc": school_year},
    )
    try:
        items = body["data"]
    except (KeyError, TypeError):
        raise SourceError("csdl_moet: listing without data") from None
    exports = [Export.from_listing(item) for item in items]
    unknown = {e.loai for e in exports} - set(KINDS)
    if unknown:
        log.warning("csdl_moet: listing has unknown kinds %s (ignored)", sorted(unknown))
    return [e for e in exports if e.loai in KINDS]


def download(client: RestClient, export: Export, attempts: int = 3) -> bytes:
    """The file's bytes, checked against the listing's sha256 (re-fetched on mismatch)."""
    path = export.url
    if path.startswith(client.base_url):
        path = path[len(client.base_url) :]
    for attempt in range(1, attempts + 1):
        response = client.send("GET", path, where=f"file {export.file}")
        if response.status_code != 200:
            raise SourceError(f"csdl_moet: file {export.file}: HTTP {response.status_code}")
        data = response.content
        if hashlib.sha256(data).hexdigest() == export.sha256:
            return data
        log.warning(
            "csdl_moet: file %s: sha256 differs from the listing (attempt %d)", export.file, attempt
        )
    raise SourceError(f"csdl_moet: file {export.file}: sha256 never matched the listing")
