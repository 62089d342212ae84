"""A tiny stdlib stand-in of the one-stop portal for precise tests (tests only).

It reads the contract on its own (no import of the client): OAuth2 client credentials,
page/page_size/total/data paging, windows on NgayCapNhat, latest version as of a clock.
``script`` queues exact answers (status, headers, body, a reset mid-body, a delay) that
are served before the normal answer, so fault sequences are exact.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def _when(text: str) -> datetime:
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y %H:%M:%S")
    return datetime.strptime(text, "%Y%m%d%H%M%S")


class PortalStub:
    def __init__(
        self,
        thutuc: list[dict],
        hoso: list[dict],
        *,
        clock: datetime | None = None,
        client_id: str = "eduwh",
        client_secret: str = "stub-secret",
    ) -> None:
        self.thutuc = thutuc
        self.hoso = hoso  # every version
        self.clock = clock  # naive local; None = everything
        self.client_id, self.client_secret = client_id, client_secret
        self.script: deque[tuple[str, dict]] = deque()  # (path prefix, answer)
        self.before_answer = None  # callable(path, params) run before a normal answer
        self.tokens: set[str] = set()
        self.log: list[tuple[str, str, dict]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> PortalStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    # -- answers ------------------------------------------------------------------------
    def visible_hoso(self) -> list[dict]:
        latest: dict[object, dict] = {}
        for index, record in enumerate(self.hoso):
            changed = _when(record["NgayCapNhat"])
            if self.clock is not None and changed > self.clock:
                continue
            key = record.get("MaHoSo") or f"__nokey{index}"
            if key not in latest or _when(latest[key]["NgayCapNhat"]) <= changed:
                latest[key] = record
        return sorted(
            latest.values(), key=lambda r: (_when(r["NgayCapNhat"]), r.get("MaHoSo") or "")
        )

    def _answer(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        if self.before_answer:
            self.before_answer(path, query)
        page, size = int(query.get("page", 1)), int(query.get("page_size", 50))
        if size > 500:
            return 400, {"error": "page_size > 500"}
        if path == "/api/v1/thutuc":
            rows = list(self.thutuc)
        elif path == "/api/v1/hoso":
            lo, hi = _when(query["TuNgay"]), _when(query["DenNgay"])
            rows = [r for r in self.visible_hoso() if lo <= _when(r["NgayCapNhat"]) < hi]
        else:
            return 404, {"error": "not found"}
        chunk = rows[(page - 1) * size : page * size]
        return 200, {"page": page, "page_size": size, "total": len(rows), "data": chunk}

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(
                self,
                status: int,
                body: dict | bytes,
                headers: dict | None = None,
                reset: bool = False,
            ) -> None:
                payload = (
                    body
                    if isinstance(body, bytes)
                    else json.dumps(body, ensure_ascii=False).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, str(value))
                self.end_headers()
                if reset:  # half the body, then a reset
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.close_connection = True
                    return
                self.wfile.write(payload)

            def _scripted(self, path: str) -> bool:
                with stub._lock:
                    index = next(
                        (i for i, (prefix, _) in enumerate(stub.script) if path.startswith(prefix)),
                        None,
                    )
                    if index is None:
                        return False
                    answer = stub.script[index][1]
                    del stub.script[index]
                if answer.get("delay"):
                    time.sleep(answer["delay"])
                self._send(
                    answer.get("status", 200),
                    answer.get("body", {}),
                    answer.get("headers"),
                    answer.get("reset", False),
                )
                return True

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path
                stub.log.append(("POST", path, {}))
                if self._scripted(path):
                    return
                if path != "/oauth2/token":
                    return self._send(404, {"error": "not found"})
                if (
                    form.get("grant_type") != "client_credentials"
                    or form.get("client_id") != stub.client_id
                    or form.get("client_secret") != stub.client_secret
                ):
                    return self._send(401, {"error": "invalid_client"})
                token = f"t{len(stub.tokens)}-{time.monotonic_ns()}"
                stub.tokens.add(token)
                self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                stub.log.append(("GET", parts.path, query))
                if self._scripted(parts.path):
                    return
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in stub.tokens:
                    return self._send(401, {"error": "invalid_token"})
                status, body = stub._answer(parts.path, query)
                self._send(status, body)

        return Handler
