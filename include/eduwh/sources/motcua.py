"""The one-stop portal (motcua): endpoint descriptions, timestamps, record validation.

Field names and formats are those of ``contracts/motcua.md``. Times are local Vietnam
time (UTC+07:00, no daylight saving) written ``yyyyMMddHHmmss``; older clients write
``dd/MM/yyyy HH:mm:ss``; both are accepted. Empty string or null means "not reached".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from eduwh.sources import http
from eduwh.sources.http import Endpoint, PageNumberPaging, RestClient, RetryPolicy

SOURCE = "motcua"
VN_TZ = timezone(timedelta(hours=7), "ICT")

# Reason codes of meta.quarantine (shared with the sandbox generator's expected.json).
MISSING_KEY = "missing_key"
DUE_BEFORE_RECEIPT = "due_before_receipt"
UNKNOWN_PROCEDURE = "unknown_procedure"
UNPARSABLE_DATE = "unparsable_date"
REASONS = (MISSING_KEY, DUE_BEFORE_RECEIPT, UNKNOWN_PROCEDURE, UNPARSABLE_DATE)

HOSO_TIMESTAMPS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayCapNhat",
)
THUTUC_TIMESTAMPS = ("NgayCapNhat",)
PERSONAL_FIELDS = ("ChuHoSo", "SoGiayToChuHoSo")  # stay in raw / quarantine; never logged


# -- timestamps -------------------------------------------------------------------------
def parse_timestamp(value: Any) -> datetime | None:
    """``yyyyMMddHHmmss`` or ``dd/MM/yyyy HH:mm:ss`` local time → aware datetime.

    ``None`` / empty → ``None``; anything else that is not a valid time → ``ValueError``.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a string: {value!r}")
    text = value.strip()
    if not text:
        return None
    if not text.isascii():
        raise ValueError(f"not a timestamp: {value!r}")
    if len(text) == 14 and text.isdigit():
        parts = (text[0:4], text[4:6], text[6:8], text[8:10], text[10:12], text[12:14])
    elif (
        len(text) == 19
        and text[2] == "/"
        and text[5] == "/"
        and text[10] == " "
        and text[13] == ":"
        and text[16] == ":"
    ):
        parts = (text[6:10], text[3:5], text[0:2], text[11:13], text[14:16], text[17:19])
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"not a timestamp: {value!r}")
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    year, month, day, hour, minute, second = map(int, parts)
    return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)  # checks ranges


def format_timestamp(moment: datetime) -> str:
    """An instant as the portal's ``yyyyMMddHHmmss`` local time (naive = already local)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.strftime("%Y%m%d%H%M%S")


def local(moment: datetime) -> datetime:
    """Aware datetime; a naive one is taken as Vietnam local time."""
    return moment.replace(tzinfo=VN_TZ) if moment.tzinfo is None else moment


# -- endpoints --------------------------------------------------------------------------
def thutuc_endpoint(agency: str, page_size: int = 500) -> Endpoint:
    return Endpoint(
        name="thutuc",
        path="/api/v1/thutuc",
        params={"MaCoQuan": agency},
        paging=PageNumberPaging(page_size=page_size),
    )


def hoso_endpoint(agency: str, page_size: int = 500) -> Endpoint:
    return Endpoint(
        name="hoso",
        path="/api/v1/hoso",
        params={"MaCoQuan": agency},
        window_params=("TuNgay", "DenNgay"),
        format_time=format_timestamp,
        paging=PageNumberPaging(page_size=page_size),
    )


def client_options() -> dict[str, Any]:
    """Client knobs read from the environment (``MOTCUA_PAGE_SIZE`` ...)."""
    return http.client_options("MOTCUA", page_size=500, read_timeout=120)


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


# -- validation -------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    reason: str
    detail: str


def _present(record: Mapping[str, Any], key: str) -> bool:
    value = record.get(key)
    return value is not None and not (isinstance(value, str) and not value.strip())


def _parse_fields(
    record: Mapping[str, Any], fields: tuple[str, ...]
) -> tuple[dict[str, datetime | None], Problem | None]:
    parsed: dict[str, datetime | None] = {}
    for name in fields:
        value = record.get(name)
        try:
            parsed[name] = parse_timestamp(value)
        except ValueError:
            return parsed, Problem(UNPARSABLE_DATE, f"{name}={value!r}")
    return parsed, None


def validate_thutuc(record: Any) -> Problem | None:
    """A catalogue row is valid with its key and parsable dates."""
    if not isinstance(record, Mapping):
        return Problem(MISSING_KEY, f"record is a {type(record).__name__}, not an object")
    if not _present(record, "MaTTHC"):
        return Problem(MISSING_KEY, f"MaTTHC={record.get('MaTTHC')!r}")
    _, problem = _parse_fields(record, THUTUC_TIMESTAMPS)
    return problem


def validate_hoso(record: Any, procedures: Collection[str]) -> Problem | None:
    """The first problem of a dossier version, or ``None`` if it may land in raw.

    Checked in this order: the key (``MaHoSo``), every timestamp parses, the due date is
    not before the receipt (by time), the procedure is in the catalogue.
    """
    if not isinstance(record, Mapping):
        return Problem(MISSING_KEY, f"record is a {type(record).__name__}, not an object")
    if not _present(record, "MaHoSo"):
        return Problem(MISSING_KEY, f"MaHoSo={record.get('MaHoSo')!r}")
    parsed, problem = _parse_fields(record, HOSO_TIMESTAMPS)
    if problem is not None:
        return problem
    received, due = parsed["NgayTiepNhan"], parsed["NgayHenTra"]
    if received is not None and due is not None and due < received:
        return Problem(
            DUE_BEFORE_RECEIPT,
            f"NgayHenTra={record.get('NgayHenTra')!r} < "
            f"NgayTiepNhan={record.get('NgayTiepNhan')!r}",
        )
    code = record.get("MaTTHC")
    if code not in procedures:
        return Problem(UNKNOWN_PROCEDURE, f"MaTTHC={code!r}")
    return None
