"""A small declarative REST client (in the spirit of dlt's REST source), on `requests`.

A source is described, not coded: an :class:`Endpoint` (path, static parameters, the
names of the window parameters, the paging scheme), an auth (:class:`OAuth2ClientCredentials`)
and a :class:`RetryPolicy`. One :class:`RestClient` on one ``requests.Session`` then
streams an endpoint's pages for a window:

- ``401``: one new token, then the call again;
- ``429``: waits ``Retry-After`` seconds (capped), then again;
- ``5xx``, connection errors and resets, read time-outs: exponential backoff with jitter,
  up to a cap, then :class:`SourceUnavailable` naming endpoint, window, page, last status;
- page-number paging with ``total``: if ``total`` changes between pages of one window
  (a record changed while the window was read), the window is read again from page 1
  (bounded), and every page says which read it belongs to (:attr:`Page.attempt`), so a
  consumer can undo what it did with an abandoned read.

Memory is bounded by one page: pages are yielded as they arrive.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from eduwh.sources.jsontext import split_page

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
TRANSIENT_ERRORS = (
    requests.ConnectionError,  # refused, reset, including ConnectTimeout
    requests.Timeout,  # ReadTimeout
    requests.exceptions.ChunkedEncodingError,  # connection reset mid-body
    requests.exceptions.ContentDecodingError,
)


class SourceError(RuntimeError):
    """The source answered something the client cannot use (not worth retrying)."""


class SourceUnavailable(SourceError):
    """The source kept failing until the retry policy's cap was reached."""


class SourceAuthError(SourceError):
    """The source refused the credentials (token endpoint, or 401 right after a new token)."""


class UnstableWindow(SourceError):
    """A window kept changing while it was read, more times than allowed."""


@dataclass(frozen=True)
class Window:
    """A half-open time window ``[start, end)``."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"


@dataclass(frozen=True)
class PageNumberPaging:
    """``page`` (1-based) / ``page_size`` request parameters; ``total`` and ``data`` in the body."""

    page_param: str = "page"
    size_param: str = "page_size"
    page_size: int = 500
    max_page_size: int = 500
    total_key: str = "total"
    data_key: str = "data"

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= self.max_page_size:
            raise ValueError(f"page_size must be within 1..{self.max_page_size}")


@dataclass(frozen=True)
class Endpoint:
    """What to call: ``GET base_url + path`` with static params, window params and paging."""

    name: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    window_params: tuple[str, str] | None = None  # (from, to) parameter names
    format_time: Callable[[datetime], str] = datetime.isoformat
    paging: PageNumberPaging = field(default_factory=PageNumberPaging)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_backoff: float = 1.0  # seconds, doubled each attempt
    max_backoff: float = 60.0  # cap of one wait
    max_retry_after: float = 300.0  # cap of a server-requested wait
    max_window_restarts: int = 3  # re-reads of a window whose total changed
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random  # in [0, 1)

    def backoff(self, attempt: int) -> float:
        """Wait after failed attempt ``attempt`` (1-based): equal jitter, capped."""
        ceiling = min(self.max_backoff, self.base_backoff * 2 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * self.jitter()


@dataclass
class OAuth2ClientCredentials:
    """OAuth2 client-credentials grant: form POST to ``token_path``, Bearer token after."""

    client_id: str
    client_secret: str
    token_path: str = "/oauth2/token"
    access_token: str | None = field(default=None, repr=False)

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    def __repr__(self) -> str:  # never print the secret
        return f"OAuth2ClientCredentials(client_id={self.client_id!r})"


@dataclass(frozen=True)
class Page:
    number: int
    total: int
    records: list[Any]
    attempt: int  # 1 for the first read of the window, 2.. for re-reads from page 1
    # the JSON text of each record as received (landed as is), when the body gave them
    texts: list[str] | None = None

    @property
    def restarts_window(self) -> bool:
        """True on page 1 of a re-read: what was done with earlier pages must be undone."""
        return self.number == 1 and self.attempt > 1


class RestClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth: OAuth2ClientCredentials | None = None,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (10.0, 120.0),  # (connect, read) seconds
        session: requests.Session | None = None,
        source: str = "source",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.session = session or requests.Session()
        self.source = source
        self.calls = 0  # HTTP requests made, for tests and metrics

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- auth ---------------------------------------------------------------------------
    def _fetch_token(self) -> None:
        assert self.auth is not None
        response = self._send(
            "POST", self.auth.token_path, data=self.auth.form(), where="token", authed=False
        )
        if response.status_code in (400, 401, 403):
            raise SourceAuthError(
                f"{self.source}: token request refused (HTTP {response.status_code})"
            )
        _raise_for_client_error(response, f"{self.source} token")
        try:
            token = response.json()["access_token"]
        except (ValueError, KeyError, TypeError) as error:
            raise SourceError(f"{self.source}: token response without access_token") from error
        self.auth.access_token = token

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.auth is not None:
            if self.auth.access_token is None:
                self._fetch_token()
            headers["Authorization"] = f"Bearer {self.auth.access_token}"
        return headers

    # -- one call with the retry policy -------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        where: str,
        authed: bool = True,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        parse_json: bool = False,
        split_key: str | None = None,
    ) -> Any:
        """Send with retries. Returns the response, or (``parse_json``) its decoded body.

        With ``split_key`` as well: ``(body, texts)``, ``texts`` the JSON text of each
        element of ``body[split_key]`` as received (see :mod:`eduwh.sources.jsontext`).
        """
        policy = self.retry
        reauthed = False
        last = "no answer"
        attempt = 0
        while True:
            attempt += 1
            wait: float | None = None
            try:
                headers = self._headers() if authed else {"Accept": "application/json"}
                self.calls += 1
                response = self.session.request(
                    method,
                    self.base_url + path,
                    params=params,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                )
                status = response.status_code
                if status == 401 and authed and self.auth is not None:
                    if reauthed:
                        raise SourceAuthError(
                            f"{self.source}: {where}: HTTP 401 again right after a new token"
                        )
                    log.info("%s: %s: token refused (401), getting a new one", self.source, where)
                    reauthed = True
                    self.auth.access_token = None
                    attempt -= 1  # a re-auth is not a failed attempt
                    continue
                if status == 429:
                    last = "HTTP 429"
                    wait = min(
                        _retry_after(response, policy.backoff(attempt)), policy.max_retry_after
                    )
                elif status in RETRYABLE_STATUS:
                    last = f"HTTP {status}"
                    wait = policy.backoff(attempt)
                elif not parse_json:
                    return response
                else:
                    _raise_for_client_error(response, f"{self.source} {where}")
                    if split_key is None:
                        return response.json()  # a truncated body raises: retried below
                    return _split_body(response, split_key)
            except (SourceError, KeyboardInterrupt):
                raise
            except TRANSIENT_ERRORS + (requests.JSONDecodeError,) as error:
                last = f"{type(error).__name__}"
                wait = policy.backoff(attempt)
            if attempt >= policy.max_attempts:
                raise SourceUnavailable(
                    f"{self.source} unavailable: {where}: gave up after {attempt} attempts; "
                    f"last: {last}"
                )
            log.warning(
                "%s: %s: %s, attempt %d/%d, retrying in %.1fs",
                self.source,
                where,
                last,
                attempt,
                policy.max_attempts,
                wait,
            )
            policy.sleep(wait)

    # -- paging -------------------------------------------------------------------------
    def pages(
        self,
        endpoint: Endpoint,
        *,
        window: Window | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[Page]:
        """Yield the pages of ``endpoint`` (for ``window``), re-reading on a changed total."""
        paging = endpoint.paging
        query: dict[str, Any] = {**endpoint.params, **(params or {})}
        if endpoint.window_params is not None:
            if window is None:
                raise ValueError(f"endpoint {endpoint.name} needs a window")
            from_name, to_name = endpoint.window_params
            query[from_name] = endpoint.format_time(window.start)
            query[to_name] = endpoint.format_time(window.end)
        described = f"{endpoint.name}" + (f" window {window}" if window else "")
        for attempt in range(1, self.retry.max_window_restarts + 2):
            number, seen, total = 1, 0, None
            stable = True
            while True:
                where = f"{described} page {number}"
                body, texts = self._send(
                    "GET",
                    endpoint.path,
                    where=where,
                    parse_json=True,
                    split_key=paging.data_key,
                    params={
                        **query,
                        paging.page_param: number,
                        paging.size_param: paging.page_size,
                    },
                )
                try:
                    page_total = int(body[paging.total_key])
                    records = body[paging.data_key]
                    if not isinstance(records, list):
                        raise TypeError(paging.data_key)
                except (KeyError, TypeError, ValueError) as error:
                    raise SourceError(
                        f"{self.source}: {where}: unexpected envelope "
                        f"({type(error).__name__}: {error})"
                    ) from error
                if total is None:
                    total = page_total
                elif page_total != total:
                    log.warning(
                        "%s: %s: total changed %d -> %d while reading, re-reading from page 1",
                        self.source,
                        where,
                        total,
                        page_total,
                    )
                    stable = False
                    break
                seen += len(records)
                yield Page(number, total, records, attempt, texts)
                if seen >= total or not records or len(records) < paging.page_size:
                    if seen != total:
                        log.warning(
                            "%s: %s: read %d records of a reported %d, re-reading",
                            self.source,
                            where,
                            seen,
                            total,
                        )
                        stable = False
                    break
                number += 1
            if stable:
                return
        raise UnstableWindow(
            f"{self.source}: {described}: the reported total kept changing while read "
            f"({self.retry.max_window_restarts + 1} reads)"
        )

    def records(
        self,
        endpoint: Endpoint,
        *,
        window: Window | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        """Records one by one; a re-read after records were yielded raises UnstableWindow.

        Use :meth:`pages` where a re-read must be handled (undo what was done so far).
        """
        for page in self.pages(endpoint, window=window, params=params):
            if page.restarts_window:
                raise UnstableWindow(f"{self.source}: {endpoint.name}: window changed while read")
            yield from page.records


def client_options(prefix: str, *, page_size: int, read_timeout: float) -> dict[str, Any]:
    """A source's client knobs from the settings (``<PREFIX>_PAGE_SIZE``,
    ``_MAX_ATTEMPTS``, ``_BACKOFF_BASE``, ``_BACKOFF_MAX``, ``_CONNECT_TIMEOUT``,
    ``_READ_TIMEOUT``), with the given defaults."""
    from eduwh.settings import Settings

    settings = Settings.from_env()

    def knob(name: str, default: float) -> float:
        return settings.client_knob(prefix, name, default)

    return {
        "page_size": int(knob("PAGE_SIZE", page_size)),
        "retry": RetryPolicy(
            max_attempts=int(knob("MAX_ATTEMPTS", 8)),
            base_backoff=knob("BACKOFF_BASE", 1.0),
            max_backoff=knob("BACKOFF_MAX", 60),
        ),
        "timeout": (knob("CONNECT_TIMEOUT", 10), knob("READ_TIMEOUT", read_timeout)),
    }


def oauth_client(
    source: str,
    base_url: str,
    client_id: str,
    client_secret: str | None,
    options: Mapping[str, Any],
    *,
    retry: RetryPolicy | None = None,
    timeout: tuple[float, float] | None = None,
) -> RestClient:
    """A client of a source with OAuth2 client credentials (motcua, e-Office)."""
    return RestClient(
        base_url,
        auth=OAuth2ClientCredentials(client_id, client_secret or ""),
        retry=retry or options["retry"],
        timeout=timeout or options["timeout"],
        source=source,
    )


def _split_body(response: requests.Response, data_key: str) -> tuple[Any, list[str] | None]:
    """The body decoded as ``response.json()`` does, with the records' texts."""
    try:
        if response.encoding is None:
            content = response.content
            text = content.decode(requests.utils.guess_json_utf(content) or "utf-8")
        else:
            text = response.text
    except UnicodeDecodeError:
        return response.json(), None
    try:
        return split_page(text, data_key)
    except json.JSONDecodeError as error:  # a truncated body: retried like response.json()
        raise requests.JSONDecodeError(error.msg, error.doc, error.pos) from error


def _retry_after(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default  # an HTTP-date: fall back on our own backoff


def _raise_for_client_error(response: requests.Response, where: str) -> None:
    if 400 <= response.status_code < 600:
        raise SourceError(f"{where}: HTTP {response.status_code} (not retried)")
