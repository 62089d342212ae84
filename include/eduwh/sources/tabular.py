"""Reading the spreadsheet and CSV exports of the school sources (csdl.moet, SMAS, vnEdu).

The files are made by people and by several template versions, so columns are found by
their header text, never by position:

- the header row is searched among the first rows (title rows come before it);
- header text matches ignoring case, surrounding (and repeated) spaces and the Unicode
  normalisation form: both sides are compared NFC-casefolded (:func:`header_key`);
- required columns must all be there (else :class:`BadFile` ``missing_column:<name>``),
  optional ones may be, unknown extra columns are kept in the record but never needed;
- data stops at the first blank row or at a ``Tổng cộng`` (total) row.

``.xlsx`` files are streamed with openpyxl ``read_only=True`` (memory stays flat
whatever the file's size). Each data row becomes a record ``{header as found: text}``:
the payload as received, values as text — Excel date cells are written ``dd/mm/yyyy``,
whole numbers without ``.0`` — so that raw keeps what the file said.

CSV (SMAS): ``;`` separated, decimal comma, the encoding decided between UTF-8 with a
byte-order mark and Windows-1258 by strict decoding (:func:`decode_csv`); a file that
decodes cleanly in neither is a :class:`BadFile` ``wrong_encoding``.

A file that cannot be read at all raises :class:`BadFile` with one of the reasons
``wrong_encoding``, ``no_header_row``, ``missing_column:<name>``, ``corrupt_xlsx``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

HEADER_SCAN_ROWS = 12  # title rows before the header: 1-4 in practice
TOTAL_ROW = "tổng cộng"
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
    return all(not str(cell).strip() for cell in row)


def _is_total(row: Sequence[str]) -> bool:
    return any(header_key(cell).startswith(TOTAL_ROW) for cell in row if cell)


def _records(
    first: Sequence[Sequence[str]], rest: Iterator[Sequence[str]], headers: list[str]
) -> Iterator[dict[str, str]]:
    keep = [(i, h) for i, h in enumerate(headers) if str(h).strip()]

    def all_rows() -> Iterator[Sequence[str]]:
        yield from first
        yield from rest

    for row in all_rows():
        if _is_blank(row) or _is_total(row):
            return
        yield {h: (row[i] if i < len(row) else "") for i, h in keep}


# ---------------------------------------------------------------------------- xlsx
def read_xlsx(
    file: str | Path | bytes | IO[bytes],
    spec: Columns,
    *,
    sheet: str | None = None,
    header_on_first_row: bool = False,
    source: str = "xlsx",
) -> Table:
    """Open an ``.xlsx`` file (path, bytes or binary stream) and find its header.

    The rows are read lazily from ``Table.rows``; the workbook stays open until they are
    exhausted (or the generator is closed). ``header_on_first_row``: the header must be
    on row 1 (vnEdu); otherwise title rows may come before it.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    stream = io.BytesIO(file) if isinstance(file, bytes) else file
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        EOFError,
    ) as error:
        raise BadFile("corrupt_xlsx", f"{source}: {type(error).__name__}: {error}") from None
    try:
        worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.active
        if worksheet is None:
            worksheet = workbook.worksheets[0]
        cells = worksheet.iter_rows(values_only=True)
        scan = 1 if header_on_first_row else HEADER_SCAN_ROWS
        head: list[list[str]] = []
        for row in cells:
            head.append([cell_text(v) for v in row])
            if len(head) >= scan:
                break
        index, columns, headers = _find_header(head, spec, source)
    except BadFile:
        workbook.close()
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        workbook.close()
        raise BadFile("corrupt_xlsx", f"{source}: {type(error).__name__}: {error}") from None

    def rows() -> Iterator[dict[str, str]]:
        try:
            rest = ([cell_text(v) for v in row] for row in cells)
            yield from _records(head[index + 1 :], rest, headers)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
            raise BadFile("corrupt_xlsx", f"{source}: {type(error).__name__}: {error}") from None
        finally:
            workbook.close()

    title = [" ".join(c for c in row if c.strip()) for row in head[:index]]
    return Table(index + 1, headers, columns, rows(), title)


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
