"""Small HTTP pieces shared by the sandbox's stand-ins: responses and OAuth2 tokens."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0  # seconds to wait before answering
    reset: bool = False  # send the headers and part of the body, then reset the connection


def json_response(status: int, value: Any, **headers: str) -> Response:
    return Response(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), dict(headers))


def error(status: int, message: str, code: str | None = None, **headers: str) -> Response:
    body: dict[str, Any] = {"error": code or _CODES.get(status, "error"), "message": message}
    return json_response(status, body, **headers)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


@dataclass
class Request:
    method: str
    path: str  # below the source's prefix, e.g. "/api/v1/hoso"
    query: dict[str, str]  # last value wins
    headers: dict[str, str]  # lower-case names
    body: bytes

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[-1] for k, v in parsed.items()}


class TokenStore:
    """OAuth2 client-credentials tokens of one stand-in (in memory)."""

    def __init__(self, client_id: str, client_secret: str, lifetime: int = 3600):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = lifetime
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, request: Request) -> Response:
        form = request.form()
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):  # client_secret_basic is accepted too
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
                client_id, client_secret = unquote(user), unquote(pw)
            except ValueError:
                pass
        if form.get("grant_type") != "client_credentials":
            return error(400, "grant_type must be client_credentials", "unsupported_grant_type")
        if client_id != self.client_id or client_secret != self.client_secret:
            return error(401, "wrong client_id or client_secret", "invalid_client")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.lifetime
        return json_response(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}
        )

    def valid(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return False
        token = auth[7:].strip()
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and expires > time.monotonic()

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()


def unauthorized() -> Response:
    return error(
        401,
        "missing, expired or revoked access token",
        "invalid_token",
        **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
