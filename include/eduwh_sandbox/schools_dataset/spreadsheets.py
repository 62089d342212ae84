"""The file formats of the exports: xlsx with fixed zip times, Windows-1258 text, the
header styles and title rows of the exporting systems."""

from __future__ import annotations

import io
import random
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from eduwh_sandbox.schools_dataset.catalogue import FIXED_ZIP_TIME
from eduwh_sandbox.schools_dataset.province import School


class _FixedZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed time: the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compresslevel=6)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def xlsx_bytes(rows: list[list[Any]], sheet: str = "Sheet1") -> bytes:
    """A one-sheet workbook (openpyxl write-only), byte-for-byte deterministic."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "csdl.moet.gov.vn"
    workbook.properties.created = workbook.properties.modified = datetime(2019, 12, 1)
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    archive = _FixedZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()
    return buffer.getvalue()


def to_cp1258(text: str) -> bytes:
    """Vietnamese text in Windows-1258: precomposed where the code page has the letter,
    else the base letter (with its circumflex/breve/horn) plus a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tone = ""
        for mark in marks:
            candidate = unicodedata.normalize("NFC", base + mark)
            try:
                candidate.encode("cp1258")
                base = candidate
            except UnicodeEncodeError:
                tone += mark
        out += (base + tone).encode("cp1258")
    return bytes(out)


def _header_text(name: str, style: str) -> str:
    if style == "nfd":
        return unicodedata.normalize("NFD", name)
    if style == "upper":
        return f" {name.upper()}  "
    if style == "lower":
        return name.lower()
    return name


def sheet_rows(
    rng: random.Random,
    title: list[str],
    headers: list[str],
    records: list[dict[str, Any]],
    style: str,
    excel_dates: bool,
    total_label: str,
) -> list[list[Any]]:
    rows: list[list[Any]] = [[t] for t in title]
    rows.append([_header_text(h, style) for h in headers])
    for n, record in enumerate(records, 1):
        row = []
        for h in headers:
            value = n if h == "STT" else record.get(h, "")
            if isinstance(value, date):
                value = (
                    datetime(value.year, value.month, value.day)
                    if excel_dates
                    else value.strftime("%d/%m/%Y")
                )
            row.append(value)
        rows.append(row)
    footer = rng.random()
    if footer < 0.4:
        rows += [[], [f"Tổng cộng: {len(records)} {total_label}"]]
    elif footer < 0.75:
        rows.append(["Tổng cộng", "", f"{len(records)}"])
    else:
        rows += [[], []]
    return rows


def export_title(
    rng: random.Random, school: School | None, what: str, exported: datetime
) -> list[str]:
    lines = ["SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG NGÃI"]
    if school:
        lines.append(school.name.upper())
    lines.append(what)
    lines.append(f"Ngày xuất: {exported:%d/%m/%Y %H:%M}")
    return lines[: rng.randint(1, 4)] if rng.random() < 0.9 else lines


def write_xlsx_file(target: Path, rows: list[list[Any]], sheet: str, keep: float) -> None:
    data = xlsx_bytes(rows, sheet)
    if keep < 1:
        data = data[: int(len(data) * keep)]
    target.write_bytes(data)
