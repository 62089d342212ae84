"""Reading the spreadsheet and CSV exports of the school sources (csdl.moet, SMAS, vnEdu).

The files are made by people and by several template versions, so columns are found by
their header text, never by position:

- the header row is searched among the first rows (title rows come before it);
- header text matches ignoring case, surrounding (and repeated) spaces and the Unicode
  normalisation form: both sides are compared NFC-casefolded (:func:`header_key`);
- required columns must all be there (else :class:`BadFile` ``missing_column:<name>``),
  optional ones may be, unknown extra columns are kept in the record but never needed;
- data stops at the first blank row or at a ``Tổng cộng`` (total) row.

``.xlsx`` files are read with python-calamine (Rust; over ten times openpyxl
read-only's rate, bench/xlsx): the sheet is parsed when the file is opened, its cells
kept in calamine's compact form and turned into Python text one row at a time
(:func:`iter_xlsx`). Each data row becomes a record ``{header as found: text}``: the
payload as received, values as text (:func:`cell_text`) — Excel date cells are written
``dd/mm/yyyy``, whole numbers without ``.0`` (calamine gives every number as a float) —
so that raw keeps what the file said. What calamine gives differently from openpyxl, the
reader before it: an error cell (``#N/A``) is empty, and ``_xHHHH_`` escapes in text are
decoded (as the format says). A file that is not an xlsx workbook (not a zip, truncated,
``.xls``/``.xlsb``/``.ods``, damaged XML) is ``corrupt_xlsx``.

CSV (SMAS): ``;`` separated, decimal comma, the encoding decided between UTF-8 with a
byte-order mark and Windows-1258 by strict decoding (:func:`decode_csv`); a file that
decodes cleanly in neither is a :class:`BadFile` ``wrong_encoding``.

A file that cannot be read at all raises :class:`BadFile` with one of the reasons
``wrong_encoding``, ``no_header_row``, ``missing_column:<name>``, ``corrupt_xlsx``.
"""

from __future__ import annotations

import csv
import io
import itertools
import lzma
import operator
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

HEADER_SCAN_ROWS = 12  # title rows before the header: 1-4 in practice
TOTAL_ROW = "tổng cộng"
# every character whose NFC form case-folds to a text beginning with "t", the first letter
# of TOTAL_ROW: T, t and U+1E97 (ẗ, folded as t + combining diaeresis). A total cell
# begins with one of them or with a space; every str.isspace character is below U+3001.
TOTAL_FIRST = frozenset("Tt\u1e97")
_TOTAL_HINT = TOTAL_FIRST | {c for c in map(chr, range(0x3001)) if c.isspace()}
UTF8_BOM = b"\xef\xbb\xbf"
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
# characters a clean decode of a text file never yields: C0 controls but tab/CR/LF,
# C1 controls, and the replacement character
_UNCLEAN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


class BadFile(Exception):
    """The file cannot be read as the source's export; ``reason`` is machine-readable."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def header_key(text: Any) -> str:
    """How header texts are compared: NFC, case-folded, spaces trimmed and collapsed."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", value).strip().casefold()


@dataclass(frozen=True)
class Columns:
    """The columns a file must have (``required``) and may have (``optional``), as the
    contract spells them."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Table:
    """A file being read: where its header was, which column is which, and its rows."""

    header_row: int  # 1-based row number of the header in the file
    headers: list[str]  # every header cell as found ("" for an empty one)
    columns: dict[str, str]  # contract name -> header text as found (present ones only)
    rows: Iterator[dict[str, str]] = field(repr=False)  # records {header as found: text}
    title: list[str] = field(default_factory=list)  # text of the rows above the header


# ---------------------------------------------------------------------------- values
def cell_text(value: Any) -> str:
    """A cell as text: dates ``dd/mm/yyyy``, whole numbers without ``.0``, text as is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def parse_date(text: Any) -> date | None:
    """``dd/mm/yyyy`` (or an Excel date cell) -> date; anything else -> None."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    match = _DATE.match(str(text or ""))
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_decimal(text: Any) -> Decimal | None:
    """A number written with a decimal comma (``7,8``) or point -> Decimal; else None."""
    value = str(text or "").strip().replace(" ", "")
    if not value:
        return None
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


# ---------------------------------------------------------------------------- header
def _find_header(
    rows: Sequence[Sequence[str]], spec: Columns, source: str
) -> tuple[int, dict[str, str], list[str]]:
    """(index of the header row in ``rows``, contract name -> header as found, headers)."""
    wanted = {header_key(name): name for name in spec.all}
    required = {header_key(name) for name in spec.required}
    best: tuple[int, int] | None = None  # (known columns matched, index)
    for index, row in enumerate(rows):
        keys = [header_key(cell) for cell in row]
        hits = required.intersection(keys)
        if hits == required:
            columns: dict[str, str] = {}
            for cell, key in zip(row, keys, strict=False):
                name = wanted.get(key)
                if name is not None and name not in columns:
                    columns[name] = str(cell)
            return index, columns, [str(c) if c is not None else "" for c in row]
        known = len(set(wanted).intersection(keys))  # a header row missing a column
        if known >= max(2, len(wanted) // 2) and (best is None or known > best[0]):
            best = (known, index)
    if best is not None:  # a header row, but a required column is not in it
        keys = {header_key(cell) for cell in rows[best[1]]}
        missing = [name for name in spec.required if header_key(name) not in keys]
        raise BadFile(f"missing_column:{missing[0]}", f"{source}: no column {missing}")
    raise BadFile("no_header_row", f"{source}: no header row in the first {len(rows)} rows")


def _is_blank(row: Sequence[str]) -> bool:
    """No cell but spaces (``str.isspace`` is what ``str.strip`` removes)."""
    for cell in row:
        if cell and not str(cell).isspace():
            return False
    return True


def _is_total(row: Sequence[str]) -> bool:
    """A cell whose :func:`header_key` begins ``tổng cộng``."""
    for cell in row:
        # header_key(cell) can only begin with "t" when the cell's first character is a
        # space or one of TOTAL_FIRST: a cheap test first, the full one on those only
        if cell and str(cell)[:1] in _TOTAL_HINT and header_key(cell).startswith(TOTAL_ROW):
            return True
    return False


def _records(
    first: Sequence[Sequence[str]], rest: Iterator[Sequence[str]], headers: list[str]
) -> Iterator[dict[str, str]]:
    """Records {header as found: text} of the non-empty headers, up to the first blank or
    total row (a short row's missing cells are ``""``; of two equal headers the right one
    wins)."""
    keep = [(i, h) for i, h in enumerate(headers) if str(h).strip()]
    names = [h for _, h in keep]
    positions = [i for i, _ in keep]
    width = max(positions, default=-1) + 1
    pick = operator.itemgetter(*positions) if len(positions) > 1 else None
    for row in itertools.chain(first, rest):
        if _is_blank(row) or _is_total(row):
            return
        if pick is not None and len(row) >= width:
            yield dict(zip(names, pick(row), strict=True))
        else:
            yield {h: (row[i] if i < len(row) else "") for i, h in keep}


# ---------------------------------------------------------------------------- xlsx
# What a damaged or foreign file raises in the zip layer (zipfile reads the directory and
# the workbook part first, see _open_xlsx): a bad directory or CRC, a damaged stream of
# any compression method, an encrypted entry (RuntimeError), an unknown method.
_ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    KeyError,
)
_ACTIVE_TAB = re.compile(rb"<(?:\w+:)?workbookView\b[^>]*?\bactiveTab\s*=\s*[\"'](\d+)[\"']")


def _is_panic(error: BaseException) -> bool:
    """A Rust panic surfaced by pyo3 (``pyo3_runtime.PanicException``, a BaseException)."""
    return type(error).__name__ == "PanicException"


def _corrupt(source: str, error: BaseException) -> BadFile:
    return BadFile("corrupt_xlsx", f"{source}: {type(error).__name__}: {error}")


def _active_tab(archive: zipfile.ZipFile, names: dict[str, str]) -> int:
    """The sheet Excel opens on (``workbookView activeTab``, 0 when unsaid): the sheet
    openpyxl's ``workbook.active`` gave."""
    with archive.open(names["xl/workbook.xml"]) as handle:
        head = handle.read(1 << 16)
    match = _ACTIVE_TAB.search(head)
    return int(match.group(1)) if match else 0


def _calamine(call, source: str, *args):
    """``call(*args)`` with what calamine raises on a damaged file as ``corrupt_xlsx``:
    its own errors, the OS's, and a Rust panic."""
    from python_calamine import CalamineError

    try:
        return call(*args)
    except (CalamineError, OSError, ValueError) as error:
        raise _corrupt(source, error) from None
    except BaseException as error:
        if _is_panic(error):
            raise _corrupt(source, error) from None
        raise


def _open_xlsx(file: str | Path | bytes | IO[bytes], source: str) -> tuple[Any, int]:
    """(calamine workbook, index of the active sheet); a file that is no xlsx workbook
    (not a zip, truncated, another format such as .xls or .ods) -> ``corrupt_xlsx``."""
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(file, (bytes, bytearray, memoryview)):
            target: str | Path | io.BytesIO = io.BytesIO(file)
        elif isinstance(file, (str, Path)):
            target = file
        else:
            target = io.BytesIO(file.read())
        # the zip's directory and workbook part first: calamine would also open .xls,
        # .xlsb and .ods files, which are not the exports' format
        with zipfile.ZipFile(target) as archive:
            names = {name.lower(): name for name in archive.namelist()}
            if "xl/workbook.xml" not in names:
                raise BadFile(
                    "corrupt_xlsx", f"{source}: not an xlsx workbook (no xl/workbook.xml)"
                )
            active = _active_tab(archive, names)
    except _ZIP_ERRORS as error:
        raise _corrupt(source, error) from None
    if isinstance(target, io.BytesIO):
        target.seek(0)
        return _calamine(CalamineWorkbook.from_filelike, source, target), active
    return _calamine(CalamineWorkbook.from_path, source, target), active


def _sheet_name(workbook: Any, sheet: str | None, active: int) -> str | None:
    """``sheet`` if the workbook has it, else the active sheet (the first worksheet when
    the active one is not a worksheet)."""
    from python_calamine import SheetTypeEnum

    if sheet and sheet in workbook.sheet_names:
        return sheet
    metadata = workbook.sheets_metadata
    if 0 <= active < len(metadata) and metadata[active].typ == SheetTypeEnum.WorkSheet:
        return metadata[active].name
    for meta in metadata:
        if meta.typ == SheetTypeEnum.WorkSheet:
            return meta.name
    return None


def _xlsx_text(value: Any) -> str:
    """:func:`cell_text` of a calamine cell (text, the commonest, without the checks)."""
    if type(value) is str:
        return value
    return cell_text(value)


def iter_xlsx(
    file: str | Path | bytes | IO[bytes], *, sheet: str | None = None, source: str = "xlsx"
) -> Iterator[list[str]]:
    """The rows of an ``.xlsx`` sheet as text (:func:`cell_text`), every row from row 1
    and column A (empty leading rows and columns kept: positions are the file's).

    ``sheet`` if the workbook has it, else the sheet Excel opens on. The file is opened
    and the sheet parsed (python-calamine, in Rust) before the first row is returned, so a
    damaged file raises :class:`BadFile` ``corrupt_xlsx`` here and never later; the cells
    stay in calamine's compact form and become Python strings one row at a time.
    """
    workbook, active = _open_xlsx(file, source)
    try:
        name = _sheet_name(workbook, sheet, active)
        worksheet = None if name is None else _calamine(workbook.get_sheet_by_name, source, name)
    finally:
        workbook.close()
    start = worksheet.start if worksheet is not None else None
    if start is None:  # no sheet, or an empty one
        return iter(())
    # calamine's rows: as many empty rows as come before the data, then the data, each
    # from the first column holding a value on: put the leading columns back
    pad = [""] * start[1]
    if pad:
        return ([*pad, *map(_xlsx_text, row)] for row in worksheet.iter_rows())
    return ([v if type(v) is str else cell_text(v) for v in row] for row in worksheet.iter_rows())


def read_xlsx(
    file: str | Path | bytes | IO[bytes],
    spec: Columns,
    *,
    sheet: str | None = None,
    header_on_first_row: bool = False,
    source: str = "xlsx",
) -> Table:
    """Open an ``.xlsx`` file (path, bytes or binary stream) and find its header.

    The sheet is parsed here (:func:`iter_xlsx`): a damaged file raises
    :class:`BadFile` ``corrupt_xlsx`` from this call; ``Table.rows`` then yields the
    records lazily. ``header_on_first_row``: the header must be on row 1 (vnEdu);
    otherwise title rows may come before it.
    """
    cells = iter_xlsx(file, sheet=sheet, source=source)
    scan = 1 if header_on_first_row else HEADER_SCAN_ROWS
    head = list(itertools.islice(cells, scan))
    index, columns, headers = _find_header(head, spec, source)
    title = [" ".join(c for c in row if c.strip()) for row in head[:index]]
    return Table(index + 1, headers, columns, _records(head[index + 1 :], cells, headers), title)


# ---------------------------------------------------------------------------- csv
def decode_csv(data: bytes, source: str = "csv") -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM) or Windows-1258, decoded strictly.

    A byte-order mark means UTF-8 and nothing else. Without one: strict UTF-8 first (an
    ASCII file is both), then strict Windows-1258. A decode is clean when it raises
    nothing and yields no control character; a file clean in neither -> ``BadFile
    ("wrong_encoding")``.
    """
    candidates = ["utf-8-sig"] if data.startswith(UTF8_BOM) else ["utf-8", "cp1258"]
    for encoding in candidates:
        try:
            text = data.decode(encoding, "strict")
        except UnicodeDecodeError:
            continue
        if _UNCLEAN.search(text):
            continue
        return text, encoding
    raise BadFile(
        "wrong_encoding", f"{source}: decodes cleanly in neither {' nor '.join(candidates)}"
    )


def read_csv(data: bytes, spec: Columns, *, delimiter: str = ";", source: str = "csv") -> Table:
    """A CSV file's bytes: header on the first non-blank line, ``delimiter`` separated."""
    text, encoding = decode_csv(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[list[str]] = []
    for row in reader:
        head.append(row)
        if len(head) >= HEADER_SCAN_ROWS:
            break
    index, columns, headers = _find_header(head, spec, source)
    table = Table(index + 1, headers, columns, _records(head[index + 1 :], reader, headers))
    table.title = [encoding]
    return table


def canonical(record: dict[str, str], columns: dict[str, str]) -> dict[str, str]:
    """A record keyed by the contract's names (only the columns found)."""
    return {name: record.get(found, "") for name, found in columns.items()}
