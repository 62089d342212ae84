"""HTTP stand-in of the one-stop portal (contracts/motcua.md), served by ``SandboxServer``.

Paths (below the source prefix, so ``MOTCUA_BASE_URL = http://127.0.0.1:PORT/motcua``):

- ``POST /oauth2/token``: form ``grant_type=client_credentials``, ``client_id``,
  ``client_secret`` (HTTP Basic accepted too) -> ``{"access_token", "token_type":
  "Bearer", "expires_in": 3600}``; wrong credentials -> ``401 {"error": "invalid_client"}``.
- ``GET /api/v1/thutuc?MaCoQuan=&page=&page_size=``: for each ``MaTTHC`` of the agency
  its latest version with ``NgayCapNhat`` <= clock, ordered by ``MaTTHC``.
- ``GET /api/v1/hoso?MaCoQuan=&TuNgay=&DenNgay=&page=&page_size=`` (``yyyyMMddHHmmss``):
  each dossier whose latest version at or before the clock has ``NgayCapNhat`` in
  ``[TuNgay, DenNgay)``, ordered by ``NgayCapNhat`` (as a time, whichever of the two
  formats it is written in) then ``MaHoSo``.

Both listings answer ``{"page", "page_size", "total", "data"}``; ``page`` defaults to 1,
``page_size`` to 100 and may be 1..500 (more -> ``400``). ``MaCoQuan`` is required
(another agency's code gives ``total`` 0); ``TuNgay``/``DenNgay`` are required, 14
digits, ``TuNgay <= DenNgay``. Bad parameters -> ``400 {"error", "message"}``. Every
data call needs ``Authorization: Bearer <token>`` (else ``401``).

Rows are the stored jsonl lines byte for byte: the sandbox never validates, so invalid
rows (no ``MaHoSo``, bad dates ...) are served like the others; a row without
``MaHoSo`` is a dossier of its own.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.motcua_dataset.timestamps import TS_FORMAT, parse_ts
from eduwh_sandbox.oauth2_api import Listing, OAuth2Api, Versions, envelope, paging
from eduwh_sandbox.web import Response, error

MAX_PAGE_SIZE = 500


class MotcuaApp(OAuth2Api):
    source = "motcua"

    def __init__(self, data_dir: Path, meta: dict[str, Any], *services: Any):
        super().__init__(data_dir, meta, *services)  # the clock, faults and tokens
        codes = {meta.get("department_code"), (meta.get("agency") or {}).get("code")}
        self.agency_codes = {c for c in codes if c}
        self.thutuc = Versions(
            self._lines("thutuc.jsonl"),
            key_of=lambda r, i: str(r.get("MaTTHC")),
            time_of=lambda r: parse_ts(r.get("NgayCapNhat")),
            sort_of=lambda r: str(r.get("MaTTHC")),
            time_field="NgayCapNhat",
        )
        self.hoso = Versions(
            self._lines("hoso.jsonl"),
            key_of=lambda r, i: r.get("MaHoSo") or f"\x00line{i}",  # no MaHoSo: its own
            time_of=lambda r: parse_ts(r.get("NgayCapNhat")),
            sort_of=lambda r: r.get("MaHoSo") or "",
            time_field="NgayCapNhat",
        )

    def _lines(self, name: str) -> list[str]:
        path = self.folder / name
        return ds.read_jsonl_lines(path) if path.exists() else []

    def route(self, path: str) -> Listing | None:
        return {"/api/v1/thutuc": self.catalogue, "/api/v1/hoso": self.dossiers}.get(path)

    # ------------------------------------------------------------------ params
    @staticmethod
    def _ts_param(query: dict[str, str], name: str) -> datetime | Response:
        value = query.get(name)
        if not value:
            return error(400, f"{name} is required (yyyyMMddHHmmss)")
        if len(value) != 14 or not value.isdigit():
            return error(400, f"{name} must be yyyyMMddHHmmss, got {value!r}")
        try:
            return datetime.strptime(value, TS_FORMAT)
        except ValueError:
            return error(400, f"{name} is not a valid time: {value!r}")

    @staticmethod
    def _agency_page(query: dict[str, str]) -> tuple[str, int, int] | Response:
        """(MaCoQuan, page, page_size) of a listing, both listings require them."""
        asked = paging(query, MAX_PAGE_SIZE)
        if isinstance(asked, Response):
            return asked
        if not query.get("MaCoQuan"):
            return error(400, "MaCoQuan is required")
        return (query["MaCoQuan"], *asked)

    # ------------------------------------------------------------------ listings
    def catalogue(self, query: dict[str, str]) -> Response:
        asked = self._agency_page(query)
        if isinstance(asked, Response):
            return asked
        agency, page, page_size = asked
        _, idx = self.thutuc.at(self.clock())
        rows = [i for i in idx if self.thutuc.records[i].get("CoQuanThucHien") == agency]
        rows.sort(key=lambda i: self.thutuc.sort_keys[i])
        lo = (page - 1) * page_size
        body = envelope(
            page, page_size, len(rows), [self.thutuc.lines[i] for i in rows[lo : lo + page_size]]
        )
        return Response(200, body)

    def dossiers(self, query: dict[str, str]) -> Response:
        asked = self._agency_page(query)
        if isinstance(asked, Response):
            return asked
        agency, page, page_size = asked
        start = self._ts_param(query, "TuNgay")
        if isinstance(start, Response):
            return start
        end = self._ts_param(query, "DenNgay")
        if isinstance(end, Response):
            return end
        if start > end:
            return error(400, "TuNgay must not be after DenNgay")
        if agency not in self.agency_codes:
            return Response(200, envelope(page, page_size, 0, []))
        times, idx = self.hoso.at(self.clock())
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, end)
        key = (agency, query["TuNgay"], query["DenNgay"], page_size)
        if self.faults.window_shift(key, page, hi - lo, page_size) and hi > lo:
            lo += 1  # the window's first row is hidden for this answer
        total = hi - lo
        a = lo + (page - 1) * page_size
        b = min(hi, a + page_size)
        rows = [self.hoso.lines[i] for i in idx[a:b]] if a < hi else []
        return Response(200, envelope(page, page_size, total, rows))
