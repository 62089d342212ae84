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
import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.motcua_dataset.timestamps import TS_FORMAT, parse_ts
from eduwh_sandbox.web import Request, Response, TokenStore, error, unauthorized

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59)


class _Versions:
    """Versions of keyed records, answering "latest version of each key at a clock"."""

    def __init__(
        self,
        lines: list[str],
        key_of: Callable[[dict[str, Any], int], str],
        sort_of: Callable[[dict[str, Any]], str],
    ):
        self.lines = [line.encode("utf-8") for line in lines]
        self.records: list[dict[str, Any]] = []
        by_key: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        self.sort_keys: list[str] = []
        for i, line in enumerate(lines):
            rec = json.loads(line)
            t = parse_ts(rec.get("NgayCapNhat"))
            if t is None:
                raise ValueError(f"line {i + 1}: NgayCapNhat is empty; the sandbox cannot place it")
            self.records.append(rec)
            self.sort_keys.append(sort_of(rec))
            by_key[key_of(rec, i)].append((t, i))
        self.by_key = {k: sorted(v) for k, v in by_key.items()}
        self._cache: dict[datetime, tuple[list[datetime], list[int]]] = {}
        self._lock = threading.Lock()

    def at(self, clock: datetime | None) -> tuple[list[datetime], list[int]]:
        """(times, line numbers) of the visible versions, ordered by (time, sort key)."""
        clock = clock or FAR_FUTURE
        with self._lock:
            hit = self._cache.get(clock)
            if hit is not None:
                return hit
        visible = []
        for versions in self.by_key.values():
            j = bisect.bisect_right(versions, (clock, len(self.lines)))
            if j:
                t, i = versions[j - 1]
                visible.append((t, self.sort_keys[i], i))
        visible.sort()
        result = ([v[0] for v in visible], [v[2] for v in visible])
        with self._lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[clock] = result
        return result


def _envelope(page: int, page_size: int, total: int, rows: list[bytes]) -> bytes:
    head = f'{{"page":{page},"page_size":{page_size},"total":{total},"data":['.encode()
    return head + b",".join(rows) + b"]}"


class MotcuaApp:
    source = "motcua"

    def __init__(
        self,
        data_dir: Path,
        meta: dict[str, Any],
        clock: Callable[[], datetime | None],
        faults: FaultInjector,
        tokens: TokenStore,
    ):
        folder = Path(data_dir) / "motcua"
        self.clock = clock
        self.faults = faults
        self.tokens = tokens
        codes = {meta.get("department_code"), (meta.get("agency") or {}).get("code")}
        self.agency_codes = {c for c in codes if c}
        thutuc = (
            ds.read_jsonl_lines(folder / "thutuc.jsonl")
            if (folder / "thutuc.jsonl").exists()
            else []
        )
        hoso = (
            ds.read_jsonl_lines(folder / "hoso.jsonl") if (folder / "hoso.jsonl").exists() else []
        )
        self.thutuc = _Versions(
            thutuc, lambda r, i: str(r.get("MaTTHC")), lambda r: str(r.get("MaTTHC"))
        )
        self.hoso = _Versions(
            hoso, lambda r, i: r.get("MaHoSo") or f"\x00line{i}", lambda r: r.get("MaHoSo") or ""
        )

    # ------------------------------------------------------------------ dispatch
    def handle(self, request: Request) -> Response:
        if request.path == "/oauth2/token":
            if request.method != "POST":
                return error(405, "use POST")
            decision = self.faults.on_token_call()
            if decision.status:
                return error(decision.status, "token service unavailable, try again")
            return self.tokens.issue(request)
        if request.path not in ("/api/v1/thutuc", "/api/v1/hoso"):
            return error(404, f"no such path: {request.path}")
        if request.method != "GET":
            return error(405, "use GET")
        decision = self.faults.on_data_call()
        if decision.kind == "revoke":
            self.tokens.revoke_all()
            return unauthorized()
        if decision.kind == "429":
            return error(429, "too many requests", **{"Retry-After": "1"})
        if decision.kind == "5xx":
            return error(decision.status or 503, "upstream error")
        if not self.tokens.valid(request):
            return unauthorized()
        if request.path == "/api/v1/thutuc":
            response = self.catalogue(request.query)
        else:
            response = self.dossiers(request.query)
        if response.status == 200:
            response.delay = decision.delay
            response.reset = decision.kind == "reset"
        return response

    # ------------------------------------------------------------------ params
    @staticmethod
    def _paging(query: dict[str, str]) -> tuple[int, int] | Response:
        try:
            page = int(query.get("page", "1"))
            page_size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return error(400, "page and page_size must be integers")
        if page < 1:
            return error(400, "page must be >= 1")
        if page_size < 1:
            return error(400, "page_size must be >= 1")
        if page_size > MAX_PAGE_SIZE:
            return error(400, f"page_size must be at most {MAX_PAGE_SIZE}")
        return page, page_size

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

    # ------------------------------------------------------------------ listings
    def catalogue(self, query: dict[str, str]) -> Response:
        paging = self._paging(query)
        if isinstance(paging, Response):
            return paging
        page, page_size = paging
        agency = query.get("MaCoQuan")
        if not agency:
            return error(400, "MaCoQuan is required")
        _, idx = self.thutuc.at(self.clock())
        rows = [i for i in idx if self.thutuc.records[i].get("CoQuanThucHien") == agency]
        rows.sort(key=lambda i: self.thutuc.sort_keys[i])
        lo = (page - 1) * page_size
        body = _envelope(
            page, page_size, len(rows), [self.thutuc.lines[i] for i in rows[lo : lo + page_size]]
        )
        return Response(200, body)

    def dossiers(self, query: dict[str, str]) -> Response:
        paging = self._paging(query)
        if isinstance(paging, Response):
            return paging
        page, page_size = paging
        agency = query.get("MaCoQuan")
        if not agency:
            return error(400, "MaCoQuan is required")
        start = self._ts_param(query, "TuNgay")
        if isinstance(start, Response):
            return start
        end = self._ts_param(query, "DenNgay")
        if isinstance(end, Response):
            return end
        if start > end:
            return error(400, "TuNgay must not be after DenNgay")
        if agency not in self.agency_codes:
            return Response(200, _envelope(page, page_size, 0, []))
        times, idx = self.hoso.at(self.clock())
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, end)
        key = (agency, query["TuNgay"], query["DenNgay"], page_size)
        if self.faults.window_shift(key, page, hi - lo, page_size) and hi > lo:
            lo += 1  # the window's first row is hidden for this answer
        total = hi - lo
        a = lo + (page - 1) * page_size
        b = min(hi, a + page_size)
        rows = [self.hoso.lines[i] for i in idx[a:b]] if a < hi else []
        return Response(200, _envelope(page, page_size, total, rows))
