"""e-Office (document management): endpoints, secret-document reduction, validation,
and the streamed package download (contracts/eoffice.md).

Times are ISO 8601 with offset (``2019-12-06T08:30:15+07:00``); dates ``YYYY-MM-DD``.

Secret documents (``do_mat`` other than ``thuong`` — and, to be safe, a missing or
unknown ``do_mat``) are reduced by :func:`reduce_secret` to the fields the contract
allows (``id``, ``loai``, ``do_mat``, ``ngay_ban_hanh``, ``ngay_den``,
``cap_nhat_luc``) as the very first thing done with a listing row: before validation,
before raw, before quarantine, before any log line. Their packages are never fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import requests

from eduwh.extract import edxml, http
from eduwh.extract.http import Endpoint, PageNumberPaging, RestClient, RetryPolicy, SourceError

SOURCE = "eoffice"
VN_TZ = timezone(timedelta(hours=7), "ICT")
MAX_PAGE_SIZE = 200
KINDS = ("den", "di")
NORMAL = "thuong"
SECRET_ALLOWED = ("id", "loai", "do_mat", "ngay_ban_hanh", "ngay_den", "cap_nhat_luc")

# Reason codes of meta.quarantine for listing rows (packages use edxml's reasons).
MISSING_KEY = "missing_key"
UNKNOWN_KIND = "unknown_loai"
UNPARSABLE_DATE = "unparsable_date"
PACKAGE_MISSING = "package_not_found"


def local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=VN_TZ) if moment.tzinfo is None else moment


def format_time(moment: datetime) -> str:
    return local(moment).astimezone(VN_TZ).isoformat(timespec="seconds")


def vanban_endpoint(kind: str, page_size: int = MAX_PAGE_SIZE) -> Endpoint:
    if kind not in KINDS:
        raise ValueError(f"loai must be one of {KINDS}")
    return Endpoint(
        name=f"vanban[{kind}]",
        path="/api/v1/vanban",
        params={"loai": kind},
        window_params=("tu", "den"),
        format_time=format_time,
        paging=PageNumberPaging(page_size=page_size, max_page_size=MAX_PAGE_SIZE),
    )


def package_path(doc_id: int) -> str:
    return f"/api/v1/vanban/{int(doc_id)}/edxml"


# -- settings ---------------------------------------------------------------------------
def connection(settings: Any) -> tuple[str | None, str, str | None]:
    """(base URL, client id, client secret) of e-Office, from the settings."""
    return settings.eoffice_base_url, settings.eoffice_client_id, settings.eoffice_client_secret


def client_options() -> dict[str, Any]:
    """Client knobs read from the environment (``EOFFICE_PAGE_SIZE`` ...)."""
    options = http.client_options("EOFFICE", page_size=200, read_timeout=300)
    options["page_size"] = min(MAX_PAGE_SIZE, options["page_size"])
    return options


def make_client(
    base_url: str,
    client_id: str,
    client_secret: str | None,
    *,
    retry: RetryPolicy | None = None,
    timeout: tuple[float, float] | None = None,
) -> RestClient:
    return http.oauth_client(
        SOURCE, base_url, client_id, client_secret, client_options(), retry=retry, timeout=timeout
    )


# -- secret documents ---------------------------------------------------------------------
def is_secret(record: Any) -> bool:
    """Anything not explicitly ``do_mat = thuong`` is treated as secret."""
    return not (isinstance(record, Mapping) and record.get("do_mat") == NORMAL)


def reduce_secret(record: Any) -> Any:
    """The record as it may be stored: secret ones cut down to the allowed fields."""
    if not is_secret(record):
        return record
    if not isinstance(record, Mapping):
        return {"unreadable_record": type(record).__name__}
    return {k: record[k] for k in SECRET_ALLOWED if k in record}


# -- validation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    reason: str
    detail: str


def validate_vanban(record: Any, kind: str) -> Problem | None:
    """The first problem of a (reduced) listing row, or ``None`` if it may land in raw."""
    if not isinstance(record, Mapping):
        return Problem(MISSING_KEY, "record is not an object")
    doc_id = record.get("id")
    if not isinstance(doc_id, int) or isinstance(doc_id, bool):
        return Problem(MISSING_KEY, f"id={doc_id!r}")
    if record.get("loai") != kind:
        return Problem(UNKNOWN_KIND, f"loai={record.get('loai')!r} in the {kind} listing")
    try:
        updated = record.get("cap_nhat_luc")
        if not isinstance(updated, str) or datetime.fromisoformat(updated).tzinfo is None:
            raise ValueError
    except ValueError:
        return Problem(UNPARSABLE_DATE, "cap_nhat_luc")
    for name in ("ngay_ban_hanh", "ngay_den", "han_xu_ly", "ngay_hoan_thanh"):
        value = record.get(name)
        if value is None:
            continue
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return Problem(UNPARSABLE_DATE, name)
    return None


def wants_package(record: Mapping[str, Any]) -> bool:
    return not is_secret(record) and record.get("co_edxml") is True


# -- packages -----------------------------------------------------------------------------
class PackageNotFound(SourceError):
    """The listing says there is a package, the system answers 404."""


def fetch_package(client: RestClient, doc_id: int) -> edxml.PackageFacts:
    """Download the package of a (non-secret) document and read it as a stream.

    Retried like every call of :class:`RestClient` (401 once with a new token, 429 with
    Retry-After, 5xx and broken connections with backoff, a body cut short read again),
    while a complete body that is not a valid package raises
    :class:`edxml.MalformedPackage`. ``404`` raises :class:`PackageNotFound`.
    """
    where = f"package {doc_id}"

    def read(response: requests.Response) -> edxml.PackageFacts:
        if response.status_code == 404:
            raise PackageNotFound(f"{SOURCE}: package of document {doc_id}: HTTP 404")
        if response.status_code != 200:
            raise SourceError(f"{SOURCE}: {where}: HTTP {response.status_code} (not retried)")
        response.raw.decode_content = True
        return edxml.parse_package(response.raw)

    return client.send(
        "GET", package_path(doc_id), where=where, accept="application/xml", stream=True, read=read
    )
