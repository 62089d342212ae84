"""What the two OAuth2 stand-ins (the one-stop portal, e-Office) share, in one place.

- :class:`OAuth2Api`: the token endpoint, then in front of every data call the fault
  injector (a revoked token, ``429`` with ``Retry-After``, ``5xx``) and the Bearer check,
  and after it the fault's delay or cut connection; a subclass says which paths it
  serves (:meth:`OAuth2Api.route`).
- :func:`paging` and :func:`envelope`: the listings' ``page`` / ``page_size`` parameters
  and their ``{"page", "page_size", "total", "data"}`` answer.
- :class:`Versions`: the stored versions of keyed records, and which of them is the
  latest of its key at the sandbox clock.

The stand-ins read the stored jsonl lines as the contracts describe the systems; they
share no parsing with the clients (eduwh.extract), which they exist to test.
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

from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.web import Request, Response, TokenStore, error, unauthorized

DEFAULT_PAGE_SIZE = 100
FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59)
TOKEN_PATH = "/oauth2/token"

Listing = Callable[[dict[str, str]], Response]


class Versions:
    """Versions of keyed records, answering "the latest version of each key at a clock".

    ``key_of(record, line_index)`` names a record's key, ``time_of(record)`` its update
    time (naive local time, like the clock; ``None`` is refused with the line's number),
    ``sort_of(record)`` breaks ties between keys updated at the same time."""

    def __init__(
        self,
        lines: list[str],
        key_of: Callable[[dict[str, Any], int], Any],
        time_of: Callable[[dict[str, Any]], datetime | None],
        sort_of: Callable[[dict[str, Any]], Any],
        time_field: str,
    ):
        self.lines = [line.encode("utf-8") for line in lines]  # served byte for byte
        self.records: list[dict[str, Any]] = []
        self.sort_keys: list[Any] = []
        by_key: dict[Any, list[tuple[datetime, int]]] = defaultdict(list)
        for i, line in enumerate(lines):
            record = json.loads(line)
            moment = time_of(record)
            if moment is None:
                raise ValueError(
                    f"line {i + 1}: {time_field} is empty; the sandbox cannot place it"
                )
            self.records.append(record)
            self.sort_keys.append(sort_of(record))
            by_key[key_of(record, i)].append((moment, i))
        self.by_key = {key: sorted(versions) for key, versions in by_key.items()}
        # the same clock is asked once per page: the visible list is kept for it
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
                moment, i = versions[j - 1]
                visible.append((moment, self.sort_keys[i], i))
        visible.sort()
        result = ([v[0] for v in visible], [v[2] for v in visible])
        with self._lock:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[clock] = result
        return result

    def latest(self, key: Any, clock: datetime | None) -> dict[str, Any] | None:
        """The latest version of ``key`` at the clock, or ``None``."""
        versions = self.by_key.get(key)
        if not versions:
            return None
        j = bisect.bisect_right(versions, (clock or FAR_FUTURE, len(self.lines)))
        return self.records[versions[j - 1][1]] if j else None


def envelope(page: int, page_size: int, total: int, rows: list[bytes]) -> bytes:
    """A listing's answer, the rows as stored (never re-encoded)."""
    head = f'{{"page":{page},"page_size":{page_size},"total":{total},"data":['.encode()
    return head + b",".join(rows) + b"]}"


def paging(query: dict[str, str], max_page_size: int) -> tuple[int, int] | Response:
    """(page, page_size) of a listing's query, or the ``400`` that refuses them."""
    try:
        page = int(query.get("page", "1"))
        page_size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        return error(400, "page and page_size must be integers")
    if page < 1:
        return error(400, "page must be >= 1")
    if page_size < 1:
        return error(400, "page_size must be >= 1")
    if page_size > max_page_size:
        return error(400, f"page_size must be at most {max_page_size}")
    return page, page_size


class OAuth2Api:
    """A source system behind an OAuth2 client-credentials token endpoint."""

    source: str

    def __init__(
        self,
        data_dir: Path,
        meta: dict[str, Any],
        clock: Callable[[], datetime | None],
        faults: FaultInjector,
        tokens: TokenStore,
    ):
        self.folder = Path(data_dir) / self.source
        self.meta = meta
        self.clock = clock
        self.faults = faults
        self.tokens = tokens

    def route(self, path: str) -> Listing | None:
        """The endpoint that answers a data path (its query in, its response out), or
        ``None`` for a path the system does not have."""
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        if request.path == TOKEN_PATH:
            if request.method != "POST":
                return error(405, "use POST")
            decision = self.faults.on_token_call()
            if decision.status:
                return error(decision.status, "token service unavailable, try again")
            return self.tokens.issue(request)
        endpoint = self.route(request.path)
        if endpoint is None:
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
        response = endpoint(request.query)
        if response.status == 200:
            response.delay = decision.delay
            response.reset = decision.kind == "reset"
        return response
