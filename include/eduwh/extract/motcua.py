"""The one-stop portal (motcua): endpoint descriptions, timestamps, record validation.

Field names and formats are those of ``contracts/motcua.md``. Times are local Vietnam
time (UTC+07:00, no daylight saving) written ``yyyyMMddHHmmss``; older clients write
``dd/MM/yyyy HH:mm:ss``; both are accepted. Empty string or null means "not reached".
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import msgspec

from eduwh.extract import http
from eduwh.extract.http import Endpoint, PageNumberPaging, RestClient, RetryPolicy

SOURCE = "motcua"
VN_TZ = timezone(timedelta(hours=7), "ICT")

# Reason codes of meta.quarantine (shared with the sandbox generator's expected.json).
MISSING_KEY = "missing_key"
DUE_BEFORE_RECEIPT = "due_before_receipt"
UNKNOWN_PROCEDURE = "unknown_procedure"
UNPARSABLE_DATE = "unparsable_date"
# Fields since 2022 (contracts/motcua.md): a value outside the contract's codes, or a
# field of the wrong shape (a boolean that is not one, a list that is not a list ...).
UNKNOWN_CODE = "unknown_code"
INVALID_FIELD = "invalid_field"
REASONS = (
    MISSING_KEY,
    DUE_BEFORE_RECEIPT,
    UNKNOWN_PROCEDURE,
    UNPARSABLE_DATE,
    UNKNOWN_CODE,
    INVALID_FIELD,
)

# Coded fields since 2022. A missing field (older versions) or null is "unknown", valid.
DVC_TRUC_TUYEN = ("toan_trinh", "mot_phan", "")  # empty = no online service
DON_VI_TINH = ("ngay_lam_viec", "ngay", "gio")
THANH_TOAN_TRUC_TUYEN = ("0", "1", "2")
STEP_STATUSES = tuple(str(code) for code in range(1, 11))  # TrangThaiHoSo codes
THUTUC_BOOLEANS = ("DuDieuKienToanTrinh", "CoPhiLePhi", "YeuCauKetQuaGiay")
_TRUE, _FALSE = ("true", "1", "t"), ("false", "0", "f")

HOSO_TIMESTAMPS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayCapNhat",
)
THUTUC_TIMESTAMPS = ("NgayCapNhat",)
_RECEIVED, _DUE = HOSO_TIMESTAMPS.index("NgayTiepNhan"), HOSO_TIMESTAMPS.index("NgayHenTra")
# The dossier fields since 2022 (all None: an older version, nothing of theirs to check).
HOSO_2022_FIELDS = (
    "DuocThanhToanTrucTuyen",
    "DanhSachPhiLePhi",
    "TaiLieuNop",
    "HoSoCoThanhPhanSoHoa",
    "QuaTrinhXuLy",
)
_NO_2022 = (None,) * len(HOSO_2022_FIELDS)
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
    if len(text) == 14 and text.isdigit():  # the usual form: straight to datetime (fast)
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            tzinfo=VN_TZ,
        )  # checks ranges
    if (
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


# The parts of valid ``yyyyMMddHHmmss`` times seen so far: a time whose date part
# (``yyyyMMdd``) and time part (``HHmmss``) are both known valid is valid without building
# a datetime (validation's hot path: six timestamps a dossier). Filled by
# :func:`_compact_ok` from what :func:`parse_timestamp` accepted; bounded.
_VALID_DATES: set[str] = set()
_VALID_TIMES: set[str] = set()
_MAX_KNOWN = 100_000


def _compact_ok(value: Any) -> bool:
    """True when ``value`` is a valid ``yyyyMMddHHmmss`` text exactly (no blanks), as
    :func:`parse_timestamp` would accept it; False for anything else (check it there)."""
    if value.__class__ is not str or len(value) != 14:
        return False
    day, time_of_day = value[:8], value[8:]
    if day in _VALID_DATES and time_of_day in _VALID_TIMES:
        return True
    if not (value.isascii() and value.isdigit()):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    if len(_VALID_DATES) > _MAX_KNOWN:
        _VALID_DATES.clear()
    if len(_VALID_TIMES) > _MAX_KNOWN:
        _VALID_TIMES.clear()
    _VALID_DATES.add(day)
    _VALID_TIMES.add(time_of_day)
    return True


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


class HosoFields(msgspec.Struct, gc=False):
    """What :func:`validate_hoso` reads of a dossier, decoded from a page without the
    rest (the record lands as the text received; a rejected one is decoded whole for the
    quarantine). A field absent or null is ``None``, as ``dict.get`` gives it."""

    MaHoSo: Any = None
    MaTTHC: Any = None
    NgayNopHoSo: Any = None
    NgayTiepNhan: Any = None
    NgayHenTra: Any = None
    NgayKetThucXuLy: Any = None
    NgayTra: Any = None
    NgayCapNhat: Any = None
    DuocThanhToanTrucTuyen: Any = None
    DanhSachPhiLePhi: Any = None
    TaiLieuNop: Any = None
    HoSoCoThanhPhanSoHoa: Any = None
    QuaTrinhXuLy: Any = None


_HOSO_STAMPS_OF = operator.attrgetter(*HOSO_TIMESTAMPS)
_HOSO_2022_OF = operator.attrgetter(*HOSO_2022_FIELDS)


def hoso_endpoint(agency: str, page_size: int = 500) -> Endpoint:
    return Endpoint(
        name="hoso",
        path="/api/v1/hoso",
        params={"MaCoQuan": agency},
        window_params=("TuNgay", "DenNgay"),
        format_time=format_timestamp,
        paging=PageNumberPaging(page_size=page_size),
        record_type=HosoFields,
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


def _code(record: Mapping[str, Any], name: str, codes: tuple[str, ...]) -> Problem | None:
    """A coded text field: absent / null = unknown (valid); else one of ``codes``.

    Numbers are taken as their text (``1`` = ``"1"``); surrounding blanks are ignored.
    """
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return Problem(INVALID_FIELD, f"{name}={value!r}")
    if str(value).strip() not in codes:
        return Problem(UNKNOWN_CODE, f"{name}={value!r}")
    return None


def _boolean(record: Mapping[str, Any], name: str) -> Problem | None:
    """A boolean: absent / null = unknown; ``true``/``false``, 0/1 or their text."""
    value = record.get(name)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int) and value in (0, 1):
        return None
    if isinstance(value, str) and value.strip().lower() in (*_TRUE, *_FALSE):
        return None
    return Problem(INVALID_FIELD, f"{name}={value!r}")


def _number(record: Mapping[str, Any], name: str) -> Problem | None:
    """A non-negative number (or its text); absent / null / empty = unknown."""
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return Problem(INVALID_FIELD, f"{name}={value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        return Problem(INVALID_FIELD, f"{name}={value!r}")
    if not number >= 0 or number == float("inf"):  # also NaN
        return Problem(INVALID_FIELD, f"{name}={value!r}")
    return None


def _objects(record: Mapping[str, Any], name: str) -> tuple[list[Mapping], Problem | None]:
    """A list of objects; absent / null = unknown (an empty list)."""
    value = record.get(name)
    if value is None:
        return [], None
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        return [], Problem(INVALID_FIELD, f"{name} is not a list of objects")
    return value, None


def _flag(item: Mapping[str, Any], name: str, where: str) -> Problem | None:
    """A 0/1 flag of a list item (also true/false); absent / null = unknown."""
    problem = _boolean(item, name)
    return None if problem is None else Problem(INVALID_FIELD, f"{where}.{name}={item[name]!r}")


def validate_thutuc(record: Any) -> Problem | None:
    """A catalogue row is valid with its key, parsable dates and, when present, the
    fields since 2022 with the contract's codes and shapes."""
    if not isinstance(record, Mapping):
        return Problem(MISSING_KEY, f"record is a {type(record).__name__}, not an object")
    if not _present(record, "MaTTHC"):
        return Problem(MISSING_KEY, f"MaTTHC={record.get('MaTTHC')!r}")
    _, problem = _parse_fields(record, THUTUC_TIMESTAMPS)
    if problem is not None:
        return problem
    checks = (
        lambda: _code(record, "DVCTrucTuyen", DVC_TRUC_TUYEN),
        *(lambda name=name: _boolean(record, name) for name in THUTUC_BOOLEANS),
        lambda: _number(record, "ThoiHanGiaiQuyet"),
        lambda: _code(record, "DonViTinh", DON_VI_TINH),
    )
    for check in checks:
        problem = check()
        if problem is not None:
            return problem
    return None


def _validate_hoso_2022(record: Mapping[str, Any]) -> Problem | None:
    """The dossier fields since 2022, when present (missing = unknown, valid)."""
    problem = _code(record, "DuocThanhToanTrucTuyen", THANH_TOAN_TRUC_TUYEN)
    if problem is not None:
        return problem
    fees, problem = _objects(record, "DanhSachPhiLePhi")
    if problem is not None:
        return problem
    for number, fee in enumerate(fees):
        problem = _number(fee, "Gia")
        if problem is not None:
            return Problem(INVALID_FIELD, f"DanhSachPhiLePhi[{number}].{problem.detail}")
    documents, problem = _objects(record, "TaiLieuNop")
    if problem is not None:
        return problem
    for number, document in enumerate(documents):
        for name in ("DuocSoHoa", "DuocLayTuKhoDMQG"):
            problem = _flag(document, name, f"TaiLieuNop[{number}]")
            if problem is not None:
                return problem
    value = record.get("HoSoCoThanhPhanSoHoa")
    if value is not None and (isinstance(value, bool) or str(value).strip() not in ("0", "1")):
        return Problem(UNKNOWN_CODE, f"HoSoCoThanhPhanSoHoa={value!r}")
    steps, problem = _objects(record, "QuaTrinhXuLy")
    if problem is not None:
        return problem
    for number, step in enumerate(steps):
        where = f"QuaTrinhXuLy[{number}]"
        status = step.get("TrangThai")
        if isinstance(status, bool) or str(status).strip() not in STEP_STATUSES:
            return Problem(UNKNOWN_CODE, f"{where}.TrangThai={status!r}")
        moment = step.get("ThoiDiem")
        if moment is None or _compact_ok(moment):
            continue
        try:
            parse_timestamp(moment)
        except ValueError:
            return Problem(UNPARSABLE_DATE, f"{where}.ThoiDiem={step.get('ThoiDiem')!r}")
    return None


def _check_stamps(stamps: tuple[Any, ...]) -> Problem | None:
    """The timestamps of :func:`validate_hoso` (in ``HOSO_TIMESTAMPS`` order) when one is
    not a known-valid ``yyyyMMddHHmmss`` text: each parses, the due date is not before the
    receipt."""
    compact = []  # the positions of valid yyyyMMddHHmmss texts
    for number, value in enumerate(stamps):
        if value is None:
            continue
        if _compact_ok(value):
            compact.append(number)
            continue
        try:
            parse_timestamp(value)
        except ValueError:
            return Problem(UNPARSABLE_DATE, f"{HOSO_TIMESTAMPS[number]}={value!r}")
    received, due = stamps[_RECEIVED], stamps[_DUE]
    if received and due:  # both set (an empty or blank text parses to None)
        if _RECEIVED in compact and _DUE in compact:
            before = due < received
        else:
            received_at, due_at = parse_timestamp(received), parse_timestamp(due)
            before = received_at is not None and due_at is not None and due_at < received_at
        if before:
            return Problem(DUE_BEFORE_RECEIPT, f"NgayHenTra={due!r} < NgayTiepNhan={received!r}")
    return None


def validate_hoso(record: Any, procedures: Collection[str]) -> Problem | None:
    """The first problem of a dossier version, or ``None`` if it may land in raw.

    Checked in this order: the key (``MaHoSo``), every timestamp parses, the due date is
    not before the receipt (by time), the procedure is in the catalogue, then the fields
    since 2022 when present: ``DuocThanhToanTrucTuyen`` code, fee prices, submitted
    components' flags, ``HoSoCoThanhPhanSoHoa``, every ``QuaTrinhXuLy`` step's status code
    and time (a step without a time is kept: it cannot be placed, the marts skip it).

    Speed (bench/extract): times in the usual ``yyyyMMddHHmmss`` form are checked without
    building a datetime and compared as text (the same order for that form); any other
    value takes :func:`parse_timestamp`, and so does a comparison with one.
    """
    kind = record.__class__
    if kind is HosoFields:
        key, code, stamps = record.MaHoSo, record.MaTTHC, _HOSO_STAMPS_OF(record)
    elif kind is dict or isinstance(record, Mapping):
        get = record.get
        key, code, stamps = get("MaHoSo"), get("MaTTHC"), tuple(map(get, HOSO_TIMESTAMPS))
    else:
        return Problem(MISSING_KEY, f"record is a {type(record).__name__}, not an object")
    if key is None or (isinstance(key, str) and not key.strip()):
        return Problem(MISSING_KEY, f"MaHoSo={key!r}")
    dates, times = _VALID_DATES, _VALID_TIMES
    for value in stamps:  # the usual: each unset, or a known-valid yyyyMMddHHmmss text
        if value is not None and not (
            value.__class__ is str and value[:8] in dates and value[8:] in times
        ):  # (only 14-digit texts have both parts in the sets)
            problem = _check_stamps(stamps)
            if problem is not None:
                return problem
            break
    else:
        received, due = stamps[_RECEIVED], stamps[_DUE]
        if received is not None and due is not None and due < received:  # same as by time
            return Problem(DUE_BEFORE_RECEIPT, f"NgayHenTra={due!r} < NgayTiepNhan={received!r}")
    if code not in procedures:
        return Problem(UNKNOWN_PROCEDURE, f"MaTTHC={code!r}")
    if kind is HosoFields:
        if _HOSO_2022_OF(record) == _NO_2022:  # an older version: nothing more to check
            return None
        record = msgspec.structs.asdict(record)  # absent = None, as dict.get gives
    elif all(record.get(name) is None for name in HOSO_2022_FIELDS):
        return None
    return _validate_hoso_2022(record)
