"""A bare urllib client for the sandbox tests: every outcome is returned, not raised."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "eduwh",
    "client_secret": "sandbox-secret",
}


class Http:
    """A bare urllib client that reports every outcome instead of raising."""

    def __init__(self, base: str):
        self.base = base
        self.token: str | None = None

    def call(
        self,
        method: str,
        path: str,
        query: dict | None = None,
        form: dict | None = None,
        token: str | None = None,
        timeout: float = 10,
    ):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                body = resp.read()
                return resp.status, dict(resp.headers), json.loads(body)
        except urllib.error.HTTPError as exc:
            body = exc.read()
            return exc.code, dict(exc.headers), json.loads(body) if body else None
        except (http.client.IncompleteRead, ConnectionError, http.client.RemoteDisconnected) as exc:
            return "reset", {}, repr(exc)

    def get_token(self) -> str:
        for _ in range(5):
            status, _, body = self.call("POST", "/oauth2/token", form=CREDENTIALS)
            if status == 200:
                self.token = body["access_token"]
                return self.token
        raise AssertionError("no token after 5 tries")

    def get(self, path: str, **query):
        if self.token is None:
            self.get_token()
        return self.call("GET", path, query=query, token=self.token)
