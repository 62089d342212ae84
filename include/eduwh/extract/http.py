"""A small declarative REST client (in the spirit of dlt's REST source), on `requests`.

A source is described, not coded: an :class:`Endpoint` (path, static parameters, the
names of the window parameters, the paging scheme), an auth (:class:`OAuth2ClientCredentials`)
and a :class:`RetryPolicy`. One :class:`RestClient` on one ``requests.Session`` then
streams an endpoint's pages for a window. The libraries do the generic parts:

- urllib3's ``Retry`` (mounted on the session): ``429`` waits ``Retry-After`` (capped),
  ``5xx``, refused and reset connections and read time-outs back off exponentially with
  jitter, up to ``max_attempts``;
- Authlib's OAuth2 session: the client-credentials grant, the Bearer header, a new token
  when the old one's ``expires_in`` has passed.

What is left here is what they do not do:

- a ``401`` mid-run (the token was revoked before it expired): one new token, then the
  call again; a second ``401`` is an error;
- a body cut short after its headers (reset mid-body, a truncated JSON page) is read again;
- page-number paging with ``total``: if ``total`` changes between pages of one window
  (a record changed while the window was read), the window is read again from page 1
  (bounded), and every page says which read it belongs to (:attr:`Page.attempt`), so a
  consumer can undo what it did with an abandoned read;
- the project's one-line errors (:class:`SourceUnavailable` names source, endpoint,
  window, page, attempts and the last failure).

Memory is bounded by two pages: pages are yielded as they arrive, and the next one is
asked for (in a worker thread, one call at a time, the calls of a plain loop) while the
consumer works on the last.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
import urllib3
from authlib.integrations.requests_client import OAuth2Session
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry

from eduwh.extract.jsontext import split_page, split_page_bytes

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# A body that broke after its headers came (urllib3's Retry covers only up to the headers).
BODY_ERRORS = (
    requests.ConnectionError,  # a read time-out mid-body
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,  # connection reset mid-body
    requests.exceptions.ContentDecodingError,
    requests.JSONDecodeError,  # a truncated JSON body
    urllib3.exceptions.HTTPError,  # from a streamed body (response.raw)
    ConnectionError,
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
    # The records as this msgspec Struct (the fields the consumer reads, with the texts
    # as received to land) instead of dicts, where the body allows (else dicts).
    record_type: type | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """The retry knobs (the settings' client knobs), as urllib3's ``Retry`` takes them.

    Back-off after the n-th failure in a row: none after the first, then
    ``base_backoff * 2**(n-1)`` plus up to ``jitter`` seconds, at most ``max_backoff``.
    """

    max_attempts: int = 8
    base_backoff: float = 1.0
    max_backoff: float = 60.0  # cap of one wait
    max_retry_after: float = 300.0  # cap of a server-requested wait
    jitter: float = 1.0
    max_window_restarts: int = 3  # re-reads of a window whose total changed
    sleep: Callable[[float], None] = time.sleep  # how a wait is waited (tests record it)

    def retry(self, on_retry: Callable[[str], None] = lambda _: None) -> Retry:
        return _Retry(
            total=self.max_attempts - 1,
            allowed_methods=None,  # the token POST too: the sources are only read
            status_forcelist=RETRYABLE_STATUS,
            backoff_factor=self.base_backoff,
            backoff_max=self.max_backoff,
            backoff_jitter=self.jitter,
            retry_after_max=self.max_retry_after,
            respect_retry_after_header=True,
            raise_on_status=False,  # the last answer comes back: our error names it
            sleep=self.sleep,
            on_retry=on_retry,
        )


class _Retry(Retry):
    """urllib3's Retry that waits through the policy's ``sleep`` and reports each retry."""

    def __init__(self, *args, sleep=time.sleep, on_retry=lambda _: None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sleep, self._on_retry = sleep, on_retry

    def new(self, **kwargs) -> _Retry:
        return super().new(sleep=self._sleep, on_retry=self._on_retry, **kwargs)

    def increment(self, method=None, url=None, response=None, error=None, *args, **kwargs):
        retry = super().increment(method, url, response, error, *args, **kwargs)
        last = f"HTTP {response.status}" if response is not None else type(error).__name__
        self._on_retry(f"{method} {url}: {last}, {retry.total} retries left")
        return retry

    def sleep(self, response=None) -> None:
        try:
            wait = self.get_retry_after(response) if response is not None else None
        except InvalidHeader:
            wait = None  # not seconds nor a date: our own back-off
        wait = wait or self.get_backoff_time()
        if wait > 0:
            self._sleep(wait)


@dataclass
class OAuth2ClientCredentials:
    """OAuth2 client-credentials grant: form POST to ``token_path``, Bearer token after."""

    client_id: str
    client_secret: str = field(repr=False)
    token_path: str = "/oauth2/token"


@dataclass(frozen=True)
class Page:
    number: int
    total: int
    records: list[Any]
    attempt: int  # 1 for the first read of the window, 2.. for re-reads from page 1
    # the JSON text of each record as received (landed as is), when the body gave them:
    # its UTF-8 bytes (a UTF-8 body) or its text
    texts: list[str] | list[bytes] | None = None

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
        self.source = source
        self.calls = 0  # HTTP requests made, retries included, for tests and metrics
        self.session = session or self._session()
        adapter = HTTPAdapter(max_retries=self.retry.retry(self._count_retry))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def _session(self) -> requests.Session:
        if self.auth is None:
            return requests.Session()
        session = OAuth2Session(
            self.auth.client_id,
            self.auth.client_secret,
            token_endpoint=self.base_url + self.auth.token_path,
            token_endpoint_auth_method="client_secret_post",
            grant_type="client_credentials",
        )
        session.register_compliance_hook("access_token_response", self._token_answer)
        return session

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _count_retry(self, what: str) -> None:
        self.calls += 1
        log.warning("%s: %s", self.source, what)

    # -- auth ---------------------------------------------------------------------------
    def _fetch_token(self) -> None:
        self.calls += 1
        token = self.session.fetch_token(timeout=self.timeout)
        if not token.get("access_token"):
            raise SourceError(f"{self.source}: token response without access_token")

    def _token_answer(self, response: requests.Response) -> requests.Response:
        """The token endpoint's answer, checked before Authlib reads it."""
        status = response.status_code
        if status in (400, 401, 403):
            raise SourceAuthError(f"{self.source}: token request refused (HTTP {status})")
        _raise_if_unavailable(response, f"{self.source} unavailable: token", self.retry)
        _raise_for_client_error(response, f"{self.source} token")
        return response

    # -- one call -----------------------------------------------------------------------
    def send(
        self,
        method: str,
        path: str,
        *,
        where: str,
        params: Mapping[str, Any] | None = None,
        accept: str = "application/json",
        stream: bool = False,
        read: Callable[[requests.Response], Any] | None = None,
    ) -> Any:
        """``read(response)`` of a 2xx-4xx answer (or the response itself, unread).

        A body that breaks while ``read`` reads it is fetched again, counted and backed
        off by urllib3's ``Retry`` like a failed request.
        """
        url = self.base_url + path
        retry = self.retry.retry()
        while True:
            try:
                with self._answer(method, url, where, params, accept, stream) as response:
                    return read(response) if read else response
            except BODY_ERRORS as error:
                if _exhausted(error):
                    raise SourceUnavailable(
                        f"{self.source} unavailable: {where}: gave up after "
                        f"{self.retry.max_attempts} attempts; last: {_describe(error)}"
                    ) from None
                try:
                    retry = retry.increment(method, url, error=error)
                except MaxRetryError:
                    raise SourceUnavailable(
                        f"{self.source} unavailable: {where}: gave up after "
                        f"{self.retry.max_attempts} attempts; last: {type(error).__name__}"
                    ) from None
                log.warning("%s: %s: %s, reading again", self.source, where, type(error).__name__)
                retry.sleep()

    def _answer(self, method, url, where, params, accept, stream) -> requests.Response:
        """The answer after the adapter's retries, with one new token on a 401."""
        response = self._request(method, url, params, accept, stream)
        if response.status_code == 401 and self.auth is not None:
            response.close()
            log.info("%s: %s: token refused (401), getting a new one", self.source, where)
            self._fetch_token()
            response = self._request(method, url, params, accept, stream)
            if response.status_code == 401:
                raise SourceAuthError(
                    f"{self.source}: {where}: HTTP 401 again right after a new token"
                )
        _raise_if_unavailable(response, f"{self.source} unavailable: {where}", self.retry)
        return response

    def _request(self, method, url, params, accept, stream) -> requests.Response:
        if self.auth is not None and not self.session.token:
            self._fetch_token()
        self.calls += 1
        return self.session.request(
            method,
            url,
            params=params,
            headers={"Accept": accept},
            timeout=self.timeout,
            stream=stream,
        )

    def get_json(self, path: str, *, where: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded body of a 2xx answer; any other answer is a :class:`SourceError`."""

        def decode(response: requests.Response) -> Any:
            _raise_for_client_error(response, f"{self.source} {where}")
            return response.json()  # a truncated body raises: read again

        return self.send("GET", path, where=where, params=params, read=decode)

    # -- paging -------------------------------------------------------------------------
    def _page(
        self,
        path: str,
        where: str,
        params: Mapping[str, Any],
        data_key: str,
        record_type: type | None = None,
    ):
        def decode(response: requests.Response) -> tuple[Any, list[str] | list[bytes] | None]:
            _raise_for_client_error(response, f"{self.source} {where}")
            return _split_body(response, data_key, record_type)

        return self.send("GET", path, where=where, params=params, read=decode)

    def pages(
        self,
        endpoint: Endpoint,
        *,
        window: Window | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[Page]:
        """Yield the pages of ``endpoint`` (for ``window``), re-reading on a changed total.

        The next page is already asked for while a page is worked on: a consumer that
        calls this client itself inside the loop makes two calls at once (the e-Office
        loader reads its packages after the loop)."""
        paging = endpoint.paging
        query: dict[str, Any] = {**endpoint.params, **(params or {})}
        if endpoint.window_params is not None:
            if window is None:
                raise ValueError(f"endpoint {endpoint.name} needs a window")
            from_name, to_name = endpoint.window_params
            query[from_name] = endpoint.format_time(window.start)
            query[to_name] = endpoint.format_time(window.end)
        described = f"{endpoint.name}" + (f" window {window}" if window else "")

        def fetch(number: int) -> tuple[Any, list[str] | list[bytes] | None]:
            page_query = {**query, paging.page_param: number, paging.size_param: paging.page_size}
            where = f"{described} page {number}"
            return self._page(
                endpoint.path, where, page_query, paging.data_key, endpoint.record_type
            )

        # The next page is asked for (one call at a time, in the order of a plain loop) while
        # the consumer works on this one: the source's answer time overlaps the consumer's.
        # Leaving early waits for the call in flight (the session is not shared).
        with ThreadPoolExecutor(1, thread_name_prefix=f"{self.source}-pages") as ahead:
            yield from self._pages(described, paging, fetch, ahead)

    def _pages(
        self,
        described: str,
        paging: PageNumberPaging,
        fetch: Callable[[int], tuple[Any, Any]],
        ahead: ThreadPoolExecutor,
    ) -> Iterator[Page]:
        for attempt in range(1, self.retry.max_window_restarts + 2):
            number, seen, total = 1, 0, None
            stable = True
            next_page: Future | None = None
            while True:
                where = f"{described} page {number}"
                if next_page is None:
                    body, texts = fetch(number)
                else:
                    body, texts = next_page.result()
                    next_page = None
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
                last = seen >= total or not records or len(records) < paging.page_size
                if not last:
                    next_page = ahead.submit(fetch, number + 1)
                yield Page(number, total, records, attempt, texts)
                if last:
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
    from eduwh.config import Settings

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


def _split_body(
    response: requests.Response, data_key: str, record_type: type | None = None
) -> tuple[Any, list[str] | list[bytes] | None]:
    """The body decoded as ``response.json()`` does, with the records' texts (the UTF-8
    bytes as received when the body is UTF-8, else text); the records as ``record_type``
    where msgspec can (see :func:`split_page_bytes`)."""
    if _is_utf8(response):
        split = split_page_bytes(response.content, data_key, record_type)
        if split is not None:
            return split
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
    except json.JSONDecodeError as error:  # a truncated body: read again like response.json()
        raise requests.JSONDecodeError(error.msg, error.doc, error.pos) from error


def _is_utf8(response: requests.Response) -> bool:
    """The body is UTF-8 as ``response.json()`` would read it (declared, or guessed)."""
    encoding = response.encoding
    if encoding is None:
        encoding = requests.utils.guess_json_utf(response.content) or "utf-8"
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _exhausted(error: Exception) -> bool:
    """True when requests raised because urllib3's Retry ran out (not a broken body)."""
    return bool(error.args) and isinstance(error.args[0], MaxRetryError)


def _describe(error: Exception) -> str:
    """``ConnectionError (NewConnectionError)``: requests' name and the last cause's."""
    reason = error.args[0].reason if _exhausted(error) else None
    return type(error).__name__ + (f" ({type(reason).__name__})" if reason else "")


def _raise_if_unavailable(response: requests.Response, where: str, policy: RetryPolicy) -> None:
    """The adapter gave back its last retryable answer: the retries are used up."""
    if response.status_code in RETRYABLE_STATUS:
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if retries is not None else policy.max_attempts
        response.close()
        raise SourceUnavailable(
            f"{where}: gave up after {attempts} attempts; last: HTTP {response.status_code}"
        )


def _raise_for_client_error(response: requests.Response, where: str) -> None:
    if 400 <= response.status_code < 600:
        raise SourceError(f"{where}: HTTP {response.status_code} (not retried)")
