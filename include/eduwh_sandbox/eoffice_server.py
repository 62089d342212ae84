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
import mmap
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.oauth2_api import Listing, OAuth2Api, Versions, envelope, paging
from eduwh_sandbox.web import Response, error

MAX_PAGE_SIZE = 200
VN_TZ = timezone(timedelta(hours=7))
_PACKAGE = re.compile(r"^/api/v1/vanban/(\d+)/edxml$")


def _local(text: str) -> datetime:
    """An ISO time as naive local time of Vietnam (the sandbox clock's convention)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ).replace(tzinfo=None)
    return moment


class EofficeApp(OAuth2Api):
    source = "eoffice"

    def __init__(self, data_dir: Path, meta: dict[str, Any], *services: Any):
        super().__init__(data_dir, meta, *services)  # the clock, faults and tokens
        path = self.folder / "vanban.jsonl"
        self.documents = Versions(
            ds.read_jsonl_lines(path) if path.exists() else [],
            key_of=lambda r, i: r.get("id"),
            time_of=lambda r: _local(r["cap_nhat_luc"]),
            sort_of=lambda r: r.get("id") or 0,
            time_field="cap_nhat_luc",
        )
        self.package_requests: list[int] = []

    def route(self, path: str) -> Listing | None:
        if path == "/api/v1/vanban":
            return self.listing
        package = _PACKAGE.match(path)
        if package is None:
            return None
        return lambda query: self.package(int(package.group(1)))

    # ------------------------------------------------------------------ endpoints
    def listing(self, query: dict[str, str]) -> Response:
        asked = paging(query, MAX_PAGE_SIZE)
        if isinstance(asked, Response):
            return asked
        page, page_size = asked
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
        times, idx = self.documents.at(self.clock())
        lo, hi = bisect.bisect_left(times, start), bisect.bisect_left(times, end)
        rows = [
            i for i in idx[lo:hi] if loai is None or self.documents.records[i].get("loai") == loai
        ]
        key = (loai, query["tu"], query["den"], page_size)
        if self.faults.window_shift(key, page, len(rows), page_size) and rows:
            rows = rows[1:]  # the window's first row is hidden for this answer
        a = (page - 1) * page_size
        body = envelope(
            page, page_size, len(rows), [self.documents.lines[i] for i in rows[a : a + page_size]]
        )
        return Response(200, body)

    def package(self, doc_id: int) -> Response:
        self.package_requests.append(doc_id)
        rec = self.documents.latest(doc_id, self.clock())
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
