"""HTTP stand-in of the csdl.moet export API (contracts/csdl_moet.md), served by
``SandboxServer`` under the prefix ``/moet`` (``MOET_BASE_URL = http://127.0.0.1:PORT/moet``).

- ``GET /api/v1/exports?ma_so={department_code}&nam_hoc={YYYY-YYYY}``: for every file of
  the manifest, its latest version with ``cap_nhat_luc`` at or before the clock (a file
  whose first version is after the clock does not exist yet), as ``{"data": [{"file",
  "loai", "ma_truong", "nam_hoc", "cap_nhat_luc", "sha256", "url"}]}`` ordered by file
  name; no paging. ``ma_so`` and ``nam_hoc`` are required (``400`` without); another
  department's code gives an empty list.
- ``GET /api/v1/exports/files/{path}``: the bytes of one version (``url`` of the listing
  points at the version visible at the clock); a version after the clock -> ``404``.

Every call needs ``X-Api-Key`` (default: the sandbox's client secret, ``sandbox-secret``);
a missing or wrong key -> ``401``. Faults (``--faults``) apply to every call, as for the
one-stop portal: ``429`` with ``Retry-After``, ``5xx``, a delay, a connection reset mid-body.
The sandbox never reads the files: bad ones are served like the others.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.web import Request, Response, TokenStore, error, json_response

FILES_PREFIX = "/api/v1/exports/files/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _changed(value: str) -> datetime:
    """``cap_nhat_luc`` (ISO with +07:00) as naive local time, comparable with the clock."""
    return datetime.fromisoformat(value).replace(tzinfo=None)


class ExportApi:
    """The export API's dispatch: method, path, faults, API key, then a listing or a file.
    Subclasses give ``faults``, ``api_key``, ``listing(query)`` and ``file(path)``."""

    faults: FaultInjector
    api_key: str

    def handle(self, request: Request) -> Response:
        if request.method != "GET":
            return error(405, "use GET")
        if request.path != "/api/v1/exports" and not request.path.startswith(FILES_PREFIX):
            return error(404, f"no such path: {request.path}")
        decision = self.faults.on_data_call()
        if decision.kind == "429":
            return error(429, "too many requests", **{"Retry-After": "1"})
        if decision.kind in ("5xx", "revoke"):
            return error(decision.status if decision.kind == "5xx" else 503, "upstream error")
        if request.headers.get("x-api-key") != self.api_key:
            return error(401, "missing or wrong X-Api-Key", "invalid_api_key")
        if request.path == "/api/v1/exports":
            response = self.listing(request.query)
        else:
            response = self.file(unquote(request.path[len(FILES_PREFIX) :]))
        if response.status == 200:
            response.delay = decision.delay
            response.reset = decision.kind == "reset"
        return response

    def listing(self, query: dict[str, str]) -> Response:
        raise NotImplementedError

    def file(self, path: str) -> Response:
        raise NotImplementedError


class MoetApp(ExportApi):
    source = "csdl_moet"

    def __init__(
        self,
        data_dir: Path,
        meta: dict[str, Any],
        clock: Callable[[], datetime | None],
        faults: FaultInjector,
        tokens: TokenStore,
        api_key: str | None = None,
    ):
        self.folder = Path(data_dir) / "csdl_moet"
        self.clock = clock
        self.faults = faults
        self.api_key = api_key or tokens.client_secret
        codes = {meta.get("department_code"), (meta.get("agency") or {}).get("code")}
        self.department_codes = {c for c in codes if c}
        manifest = self.folder / "manifest.jsonl"
        self.versions: list[dict[str, Any]] = ds.read_jsonl(manifest) if manifest.exists() else []
        for v in self.versions:
            v["_changed"] = _changed(v["cap_nhat_luc"])
        self.by_path = {v["path"]: v for v in self.versions}
        self._sha: dict[str, str] = {}
        self._lock = threading.Lock()

    def sha256(self, path: str) -> str:
        with self._lock:
            digest = self._sha.get(path)
        if digest is None:
            digest = hashlib.sha256((self.folder / path).read_bytes()).hexdigest()
            with self._lock:
                self._sha[path] = digest
        return digest

    def visible(self, clock: datetime | None) -> list[dict[str, Any]]:
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for v in self.versions:
            if clock is not None and v["_changed"] > clock:
                continue
            key = (v.get("nam_hoc") or "", v["file"])
            if key not in latest or v["_changed"] >= latest[key]["_changed"]:
                latest[key] = v
        return [latest[k] for k in sorted(latest)]

    def listing(self, query: dict[str, str]) -> Response:
        code, year = query.get("ma_so"), query.get("nam_hoc")
        if not code:
            return error(400, "ma_so is required")
        if not year:
            return error(400, "nam_hoc is required (YYYY-YYYY)")
        if code not in self.department_codes:
            return json_response(200, {"data": []})
        data = []
        for v in self.visible(self.clock()):
            if v.get("nam_hoc") != year:
                continue
            data.append(
                {
                    "file": v["file"],
                    "loai": v["loai"],
                    "ma_truong": v.get("ma_truong"),
                    "nam_hoc": v["nam_hoc"],
                    "cap_nhat_luc": v["cap_nhat_luc"],
                    "sha256": self.sha256(v["path"]),
                    "url": FILES_PREFIX + quote(v["path"]),
                }
            )
        body = json.dumps({"data": data}, ensure_ascii=False).encode("utf-8")
        return Response(200, body)

    def file(self, path: str) -> Response:
        version = self.by_path.get(path)
        clock = self.clock()
        if version is None or (clock is not None and version["_changed"] > clock):
            return error(404, f"no such export file: {path}")
        data = (self.folder / path).read_bytes()
        disposition = f'attachment; filename="{version["file"]}"'
        return Response(200, data, {"Content-Disposition": disposition}, content_type=XLSX)
