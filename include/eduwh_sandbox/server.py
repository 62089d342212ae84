"""``SandboxServer``: one local HTTP server for every source present in a data set.

Each source is served under its own prefix of one ``ThreadingHTTPServer`` on
127.0.0.1::

    http://127.0.0.1:PORT/motcua/...     one-stop portal (if DIR/motcua exists)
    http://127.0.0.1:PORT/eoffice/...    e-Office (if DIR/eoffice exists)
    http://127.0.0.1:PORT/moet/...       csdl.moet export API (if DIR/csdl_moet exists)

so ``MOTCUA_BASE_URL = server.motcua_base_url`` and so on. The SIS drop folder is plain
files (``DIR/sis``): nothing to serve. Each source has its own OAuth2 client
(same ``client_id`` / ``client_secret`` for all, defaults ``eduwh`` / ``sandbox-secret``)
and its own fault injector (see ``faults.py``).

The clock (default: end of ``as_of`` day of dataset.json) can be moved while the server
runs: ``server.clock = datetime(2019, 12, 7, 23, 59, 59)``.

    with SandboxServer(data_dir) as server:
        requests.post(server.motcua_base_url + "/oauth2/token", data={...})
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.eoffice_server import EofficeApp
from eduwh_sandbox.faults import FaultInjector
from eduwh_sandbox.moet_server import MoetApp
from eduwh_sandbox.motcua_dataset.timestamps import parse_clock
from eduwh_sandbox.motcua_server import MotcuaApp
from eduwh_sandbox.web import Request, Response, TokenStore, error

log = logging.getLogger("eduwh_sandbox")

SERVED = {"motcua": MotcuaApp, "eoffice": EofficeApp, "csdl_moet": MoetApp}
PREFIX = {"csdl_moet": "moet"}  # the URL prefix where it differs from the folder name
FILES_ONLY = {"sis"}  # a drop folder, read as files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "eduwh-sandbox/1"
    # Headers and body go out in two writes: without TCP_NODELAY every response waits
    # for the client's delayed ACK (~40 ms a call).
    disable_nagle_algorithm = True
    sandbox: SandboxServer  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        parts = url.path.split("/", 2)  # "", source, rest
        app = self.sandbox.apps.get(parts[1]) if len(parts) > 1 else None
        if app is None:
            resp = error(404, f"no source at {url.path}")
        else:
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = Request(
                self.command, "/" + (parts[2] if len(parts) > 2 else ""), query, headers, body
            )
            try:
                resp = app.handle(request)
            except Exception as exc:  # a bug of the sandbox: answer, do not hang the client
                log.exception("sandbox error")
                resp = error(500, f"sandbox error: {exc}")
        self._send(resp)

    def _send(self, resp: Response) -> None:
        if resp.delay:
            time.sleep(resp.delay)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if resp.reset:
            self.wfile.write(resp.body[: max(1, len(resp.body) // 3)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()  # with linger 0: TCP RST once the last reference goes
            except OSError:
                pass
            return
        self.wfile.write(resp.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


class SandboxServer:
    def __init__(
        self,
        data_dir: Path,
        clock: datetime | str | None = None,
        faults: str = "none",
        port: int = 0,
        client_id: str = "eduwh",
        client_secret: str = "sandbox-secret",
        host: str = "127.0.0.1",
    ):
        self.data_dir = Path(data_dir)
        self.meta = ds.read_dataset_json(self.data_dir)
        self.clock = clock
        self.faults_profile = faults
        self.host, self.port = host, port
        self.faults: dict[str, FaultInjector] = {}
        self.apps: dict[str, Any] = {}
        for source in ds.sources_present(self.data_dir):
            if source in FILES_ONLY:
                continue
            cls = SERVED.get(source)
            if cls is None:
                log.warning("sandbox: source %s is in the data set but not served yet", source)
                continue
            self.faults[source] = FaultInjector(faults, source)
            self.apps[PREFIX.get(source, source)] = cls(
                self.data_dir,
                self.meta,
                lambda: self._clock,
                self.faults[source],
                TokenStore(client_id, client_secret),
            )
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # clock ----------------------------------------------------------------
    @property
    def clock(self) -> datetime | None:
        return self._clock

    @clock.setter
    def clock(self, value: datetime | str | None) -> None:
        parsed = parse_clock(value)
        self._clock = parsed if parsed is not None else ds.default_clock(self.meta)

    # lifecycle ------------------------------------------------------------
    def start(self) -> str:
        """Start serving in a background thread; return the root URL ``http://127.0.0.1:PORT``."""
        if self._httpd is not None:
            return self.base_url
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self._httpd = _Server((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="eduwh-sandbox", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def serve_forever(self) -> None:
        self.start()
        assert self._thread is not None
        while self._thread.is_alive():
            self._thread.join(0.5)

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # urls -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def urls(self) -> dict[str, str]:
        return {source: f"{self.base_url}/{source}" for source in self.apps}

    def url_of(self, prefix: str) -> str:
        if prefix not in self.apps:
            raise LookupError(f"the data set does not serve {prefix}")
        return f"{self.base_url}/{prefix}"

    @property
    def motcua_base_url(self) -> str:
        return self.url_of("motcua")

    @property
    def eoffice_base_url(self) -> str:
        return self.url_of("eoffice")

    @property
    def moet_base_url(self) -> str:
        return self.url_of("moet")
