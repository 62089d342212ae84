"""HTTP stand-in of e-Office (contracts/eoffice.md), served by ``SandboxServer``.

Paths (below the source prefix, so ``EOFFICE_BASE_URL = http://127.0.0.1:PORT/eoffice``):

- ``POST /oauth2/token``: as the one-stop portal's (``web.TokenStore``).
- ``GET /api/v1/vanban?loai={den|di}&tu={iso}&den={iso}&page=&page_size=``: each document
  (of that ``loai``; both when ``loai`` is absent) whose latest version at or before the
  clock has ``cap_nhat_luc`` in ``[tu, den)``, ordered by ``cap_nhat_luc`` then ``id``.
  ``tu``/``den`` are ISO 8601 with offset (``2019-12-06T00:00:00+07:00``; naive = local
  time). ``page`` defaults to 1, ``page_size`` to 100, at most 200 (more -> ``400``).
  Answer ``{"page", "page_size", "total", "data"}``; rows are the stored jsonl lines byte
  for byte (secret documents included, as the real system lists them).
- ``GET /api/v1/vanban/{id}/edxml``: the package file (``application/xml``), sent from
  a memory map of the file (never read into memory; an empty file is sent as an empty
  ``200``, as a real server would send it); ``404`` when the document is not visible at
  the clock, is secret, or has no package.

Every data call needs ``Authorization: Bearer <token>`` and goes through the fault
injector (``faults.py``; listings also get the window that changes while paged).
``package_requests`` records the ids of every package asked for (tests use it to prove
that secret packages are never requested).
"""

from __future__ import annotations

import bisect
import json
import mmap
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.web import Request, Response, TokenStore, error, unauthorized

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 100
VN_TZ = timezone(timedelta(hours=7))
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59)
_PACKAGE = re.compile(r"^/api/v1/vanban/(\d+)/edxml$")


def _local(text: str) -> datetime:
    """An ISO time as naive local time of Vietnam (the sandbox clock's convention)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ).replace(tzinfo=None)
    return moment


def _envelope(page: int, page_size: int, total: int, rows: list[bytes]) -> bytes:
    head = f'{{"page":{page},"page_size":{page_size},"total":{total},"data":['.encode()
    return head + b",".join(rows) + b"]}"


class EofficeApp:
    source = "eoffice"

    def __init__(
        self,
        data_dir: Path,
        meta: dict[str, Any],
        clock: Callable[[], datetime | None],
        faults: FaultInjector,
        tokens: TokenStore,
    ):
        self.folder = Path(data_dir) / "eoffice"
        self.clock = clock
        self.faults = faults
        self.tokens = tokens
        path = self.folder / "vanban.jsonl"
        lines = ds.read_jsonl_lines(path) if path.exists() else []
        self.lines = [line.encode("utf-8") for line in lines]
        self.records: list[dict[str, Any]] = []
        by_id: dict[Any, list[tuple[datetime, int]]] = defaultdict(list)
        for i, line in enumerate(lines):
            rec = json.loads(line)
            self.records.append(rec)
            by_id[rec.get("id")].append((_local(rec["cap_nhat_luc"]), i))
        self.by_id = {k: sorted(v) for k, v in by_id.items()}
        self._cache: dict[datetime, tuple[list[datetime], list[int]]] = {}
        self._lock = threading.Lock()
        self.package_requests: list[int] = []

    # ------------------------------------------------------------------ versions
    def visible(self, clock: datetime | None) -> tuple[list[datetime], list[int]]:
        clock = clock or FAR_FUTURE
        with self._lock:
            hit = self._cache.get(clock)
        if hit is not None:
            return hit
        rows = []
        for versions in self.by_id.values():
            j = bisect.bisect_right(versions, (clock, len(self.lines)))
            if j:
                t, i = versions[j - 1]
                rows.append((t, self.records[i].get("id") or 0, i))
        rows.sort()
        result = ([r[0] for r in rows], [r[2] for r in rows])
        with self._lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[clock] = result
        return result

    def latest(self, doc_id: int, clock: datetime | None) -> dict[str, Any] | None:
        versions = self.by_id.get(doc_id)
        if not versions:
            return None
        j = bisect.bisect_right(versions, (clock or FAR_FUTURE, len(self.lines)))
        return self.records[versions[j - 1][1]] if j else None

    # ------------------------------------------------------------------ dispatch
    def handle(self, request: Request) -> Response:
        if request.path == "/oauth2/token":
            if request.method != "POST":
                return error(405, "use POST")
            decision = self.faults.on_token_call()
            if decision.status:
                return error(decision.status, "token service unavailable, try again")
            return self.tokens.issue(request)
        package = _PACKAGE.match(request.path)
        if request.path != "/api/v1/vanban" and package is None:
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
        if package is not None:
            response = self.package(int(package.group(1)))
        else:
            response = self.listing(request.query)
        if response.status == 200:
            response.delay = decision.delay
            response.reset = decision.kind == "reset"
        return response

    # ------------------------------------------------------------------ endpoints
    def listing(self, query: dict[str, str]) -> Response:
        try:
            page = int(query.get("page", "1"))
            page_size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return error(400, "page and page_size must be integers")
        if page < 1 or page_size < 1:
            return error(400, "page and page_size must be >= 1")
        if page_size > MAX_PAGE_SIZE:
            return error(400, f"page_size must be at most {MAX_PAGE_SIZE}")
        loai = query.get("loai") or None
        if loai not in (None, "den", "di"):
            return error(400, "loai must be den or di")
        bounds = []
        for name in ("tu", "den"):
            value = query.get(name)
            if not value:
                return error(400, f"{name} is required (ISO 8601, e.g. 2019-12-06T00:00:00+07:00)")
            try:
                bounds.append(_local(value))
            except ValueError:
                return error(400, f"{name} is not an ISO 8601 time: {value!r}")
        start, end = bounds
        if start > end:
            return error(400, "tu must not be after den")
        times, idx = self.visible(self.clock())
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, end)
        rows = [i for i in idx[lo:hi] if loai is None or self.records[i].get("loai") == loai]
        key = (loai, query["tu"], query["den"], page_size)
        if self.faults.window_shift(key, page, len(rows), page_size) and rows:
            rows = rows[1:]  # the window's first row is hidden for this answer
        a = (page - 1) * page_size
        body = _envelope(
            page, page_size, len(rows), [self.lines[i] for i in rows[a : a + page_size]]
        )
        return Response(200, body)

    def package(self, doc_id: int) -> Response:
        self.package_requests.append(doc_id)
        rec = self.latest(doc_id, self.clock())
        if rec is None:
            return error(404, f"no document {doc_id}")
        if rec.get("do_mat") != "thuong":
            return error(404, f"document {doc_id} has no package")  # never served
        path = self.folder / "edxml" / f"{doc_id}.edxml"
        if not path.is_file():
            return error(404, f"document {doc_id} has no package")
        with open(path, "rb") as handle:
            if not os.fstat(handle.fileno()).st_size:  # mmap cannot map 0 bytes
                return Response(200, b"", content_type="application/xml")
            body = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return Response(200, body, content_type="application/xml")  # type: ignore[arg-type]
