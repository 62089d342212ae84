"""The xlsx reader on python-calamine against a reference reading with openpyxl read_only
(the reader it replaced): the same rows, cell by cell, on every xlsx file of a generated
province; cells of each type; sheet choice and positions; damaged and foreign files."""

from __future__ import annotations

import io
import json
import random
import sys
import unicodedata
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from eduwh.extract import csdl_moet, sis, tabular
from eduwh.extract.tabular import (
    HEADER_SCAN_ROWS,
    TOTAL_FIRST,
    TOTAL_ROW,
    BadFile,
    Columns,
    cell_text,
    header_key,
    iter_xlsx,
    read_xlsx,
)
from eduwh_sandbox.schools_dataset.spreadsheets import xlsx_bytes

SPEC = Columns(required=("Mã học sinh", "Họ tên"), optional=("Ngày sinh",))


# ------------------------------------------------------------------ the reference
def openpyxl_grid(file: Path | bytes, sheet: str | None = None) -> list[list[str]]:
    """The sheet as openpyxl read_only streams it, values through the same cell_text."""
    source = io.BytesIO(file) if isinstance(file, bytes) else file
    workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.active
        return [[cell_text(v) for v in row] for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def trimmed(grid: list[list[str]]) -> list[list[str]]:
    """A grid without trailing empty cells and rows: openpyxl's rows are as wide as their
    last cell (or as the sheet's declared dimension) and run to the last row element
    written; calamine's are as wide as the sheet's used range and end at its last value."""
    rows = [list(row) for row in grid]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def rstripped(row: list[str]) -> list[str]:
    return trimmed([row])[0] if trimmed([row]) else []


def reference_records(rows: list[list[str]], headers: list[str]) -> list[dict[str, str]]:
    """Records as the reader defines them, written the plain way: up to the first blank
    row or the first row with a cell whose header_key begins ``tổng cộng``."""
    keep = [(i, h) for i, h in enumerate(headers) if str(h).strip()]
    out = []
    for row in rows:
        if all(not str(c).strip() for c in row):
            break
        if any(header_key(c).startswith(TOTAL_ROW) for c in row if c):
            break
        out.append({h: (row[i] if i < len(row) else "") for i, h in keep})
    return out


def reference_read(file: Path, spec: Columns, sheet: str | None, first_row: bool) -> dict:
    """What the reader must give for a file: its table, or the reason it is refused."""
    try:
        grid = openpyxl_grid(file, sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return {"bad": "corrupt_xlsx"}
    head = grid[: 1 if first_row else HEADER_SCAN_ROWS]
    try:
        index, columns, headers = tabular._find_header(head, spec, file.name)
    except BadFile as error:
        return {"bad": error.reason}
    return {
        "header_row": index + 1,
        "headers": rstripped(headers),
        "columns": columns,
        "title": [" ".join(c for c in row if c.strip()) for row in head[:index]],
        "records": reference_records(grid[index + 1 :], headers),
    }


def calamine_read(file: Path, spec: Columns, sheet: str | None, first_row: bool) -> dict:
    try:
        table = read_xlsx(
            file.read_bytes(), spec, sheet=sheet, header_on_first_row=first_row, source=file.name
        )
    except BadFile as error:
        return {"bad": error.reason}
    return {
        "header_row": table.header_row,
        "headers": rstripped(table.headers),
        "columns": table.columns,
        "title": table.title,
        "records": list(table.rows),
    }


def xlsx_files(data: Path) -> list[tuple[Path, Columns, str | None, bool]]:
    """Every xlsx file of the data set with how the loader reads it."""
    files = []
    manifest = data / "csdl_moet" / "manifest.jsonl"
    for line in manifest.read_text(encoding="utf-8").splitlines():
        export = json.loads(line)
        spec = csdl_moet.COLUMNS[export["loai"]]
        files.append((data / "csdl_moet" / export["path"], spec, None, False))
    for path in sorted((data / "sis" / "vnedu").glob("*.xlsx")):
        files.append((path, sis.COLUMNS["vnedu"], "DanhSach", True))
    return files


# ------------------------------------------------------------------ the data set
def test_same_rows_as_openpyxl_on_every_xlsx_of_the_data_set(small_province):
    data, _ = small_province
    files = xlsx_files(data)
    kinds = {"vnedu": 0, "csdl_moet": 0}
    reasons: dict[str, int] = {}
    records = date_cells = nfd_headers = 0
    for path, spec, sheet, first_row in files:
        expected = reference_read(path, spec, sheet, first_row)
        got = calamine_read(path, spec, sheet, first_row)
        assert got == expected, path.name
        kinds["vnedu" if sheet else "csdl_moet"] += 1
        if "bad" in got:
            reasons[got["bad"]] = reasons.get(got["bad"], 0) + 1
            continue
        records += len(got["records"])
        # the cell grid itself, row by row, every cell (title, header, data, total, after)
        assert trimmed(list(iter_xlsx(path, sheet=sheet))) == trimmed(openpyxl_grid(path, sheet))
        # what the data set is made to exercise, seen in the files themselves
        workbook = openpyxl.load_workbook(path, read_only=True)
        cells = [v for row in workbook.active.iter_rows(values_only=True) for v in row]
        workbook.close()
        date_cells += sum(isinstance(v, datetime) for v in cells)
        nfd_headers += any(unicodedata.normalize("NFC", h) != h for h in got["columns"].values())
    assert kinds["vnedu"] > 0 and kinds["csdl_moet"] > 0
    assert records > 1000
    assert date_cells > 0 and nfd_headers > 0
    # every quarantine reason of the xlsx files, from the same files as openpyxl gave
    assert set(reasons) == {"corrupt_xlsx", "no_header_row", "missing_column:Mã cán bộ"}
    assert reasons["corrupt_xlsx"] == 2  # a csdl.moet class list and a vnEdu delivery


# ------------------------------------------------------------------ cells
CELLS = [
    (12, "12"),
    (12.0, "12"),  # calamine gives every number as a float
    (7.8, "7.8"),
    (-3, "-3"),
    (0, "0"),
    (5401000100001, "5401000100001"),  # a pupil code stored as a number
    (51214848328, "51214848328"),
    (datetime(2010, 3, 4), "04/03/2010"),
    (date(2011, 6, 5), "05/06/2011"),
    (datetime(2019, 12, 1, 8, 30, 15), "01/12/2019 08:30:15"),
    (time(13, 5), "13:05:00"),
    (timedelta(hours=30), "1 day, 6:00:00"),
    (True, "1"),
    (False, "0"),
    ("054001234", "054001234"),  # a school code with its leading zero, as text
    ("05/06/2011", "05/06/2011"),  # a date as text stays the text
    (" Lê  Thị B ", " Lê  Thị B "),
    (
        unicodedata.normalize("NFD", "Nguyễn Thị Tuyết"),
        unicodedata.normalize("NFD", "Nguyễn Thị Tuyết"),
    ),
    (None, ""),
]


@pytest.mark.parametrize("write_only", [True, False], ids=["write_only", "normal"])
def test_cells_of_each_type_as_text(write_only):
    """Inline strings (write-only) and shared strings (normal mode) alike."""
    workbook = Workbook(write_only=write_only)
    worksheet = workbook.create_sheet("S") if write_only else workbook.active
    worksheet.append([value for value, _ in CELLS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    got = next(iter_xlsx(data))
    assert (got + [""] * len(CELLS))[: len(CELLS)] == [text for _, text in CELLS]
    assert rstripped(got) == rstripped(openpyxl_grid(data)[0])
    nfd = got[[text for _, text in CELLS].index(CELLS[-2][1])]
    assert unicodedata.is_normalized("NFD", nfd) and not unicodedata.is_normalized("NFC", nfd)


def test_what_calamine_reads_differently_from_openpyxl():
    """Said in the module doc: an error cell is empty (openpyxl gave its code), and an
    ``_xHHHH_`` escape is decoded (openpyxl left it as written)."""
    data = xlsx_bytes([["#N/A", "a_x000D_b", "=1/0", "kept"]])
    assert openpyxl_grid(data)[0] == ["#N/A", "a_x000D_b", "", "kept"]
    assert next(iter_xlsx(data)) == ["", "a\rb", "", "kept"]


def test_records_from_a_file_with_cells_of_each_type():
    nfd = unicodedata.normalize("NFD", "Họ tên")
    rows = [
        ["DANH SÁCH HỌC SINH"],
        ["Mã trường", "Mã học sinh", nfd, "Ngày sinh", "Điểm"],
        ["054001", 5401000100001.0, "Nguyễn Văn A", datetime(2010, 3, 4), 7.5],
        ["054002", "5401000100002", "Lê Thị B", "05/06/2011", 8.0],
        [unicodedata.normalize("NFD", "TỔNG CỘNG"), "", "", "", ""],
        ["054003", "never read", "", "", ""],
    ]
    spec = Columns(("Mã học sinh", "Họ tên"), ("Ngày sinh", "Mã trường", "Điểm"))
    table = read_xlsx(xlsx_bytes(rows), spec)
    assert table.header_row == 2
    assert table.title == ["DANH SÁCH HỌC SINH"]
    assert table.columns["Họ tên"] == nfd  # the header as found, NFD
    assert list(table.rows) == [
        {"Mã trường": "054001", "Mã học sinh": "5401000100001", nfd: "Nguyễn Văn A",
         "Ngày sinh": "04/03/2010", "Điểm": "7.5"},
        {"Mã trường": "054002", "Mã học sinh": "5401000100002", nfd: "Lê Thị B",
         "Ngày sinh": "05/06/2011", "Điểm": "8"},
    ]  # fmt: skip


def test_path_str_stream_and_bytes_read_alike(tmp_path):
    data = xlsx_bytes([["x"], ["Mã học sinh", "Họ tên"], ["1", "A"], [2, "B"]])
    target = tmp_path / "f.xlsx"
    target.write_bytes(data)
    expected = [{"Mã học sinh": "1", "Họ tên": "A"}, {"Mã học sinh": "2", "Họ tên": "B"}]
    for file in (data, target, str(target), io.BytesIO(data)):
        assert list(read_xlsx(file, SPEC).rows) == expected


# ------------------------------------------------------------------ sheets and positions
def test_named_sheet_else_the_active_one():
    workbook = Workbook()
    first = workbook.active
    first.title = "Ghi chú"
    first.append(["Mã học sinh", "Họ tên"])
    first.append(["1", "on the first sheet"])
    second = workbook.create_sheet("DanhSach")
    second.append(["Mã học sinh", "Họ tên"])
    second.append(["2", "on the active sheet"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    def names(**kw):
        return [r["Họ tên"] for r in read_xlsx(data, SPEC, **kw).rows]

    assert names() == ["on the active sheet"] == [openpyxl_grid(data)[1][1]]
    assert names(sheet="Ghi chú") == ["on the first sheet"]
    assert names(sheet="Không có") == ["on the active sheet"]


def test_positions_are_the_files_when_the_data_starts_further_in():
    """calamine's range begins at the first cell holding a value; the reader puts the
    empty leading rows and columns back, as openpyxl gave them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["C2"] = "DANH SÁCH"
    sheet["C4"], sheet["D4"], sheet["E4"] = "STT", "Mã học sinh", "Họ tên"
    sheet["C5"], sheet["D5"], sheet["E5"] = 1, "5401", "A"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    grid = list(iter_xlsx(data))
    assert grid == openpyxl_grid(data)  # this file declares its dimension: same widths
    assert grid[0] == ["", "", "", "", ""] and grid[3][2:] == ["STT", "Mã học sinh", "Họ tên"]
    table = read_xlsx(data, SPEC)
    assert table.header_row == 4
    assert table.title == ["", "DANH SÁCH", ""]
    assert table.headers == ["", "", "STT", "Mã học sinh", "Họ tên"]
    assert list(table.rows) == [{"STT": "1", "Mã học sinh": "5401", "Họ tên": "A"}]
    with pytest.raises(BadFile) as caught:
        read_xlsx(data, SPEC, header_on_first_row=True)
    assert caught.value.reason == "no_header_row"


def test_an_empty_sheet_has_no_header_row():
    with pytest.raises(BadFile) as caught:
        read_xlsx(xlsx_bytes([]), SPEC)
    assert caught.value.reason == "no_header_row"
    assert list(iter_xlsx(xlsx_bytes([]))) == []


# ------------------------------------------------------------------ damaged and foreign
GOOD = xlsx_bytes([["Mã học sinh", "Họ tên"]] + [[str(i), f"Học sinh {i}"] for i in range(300)])


def _rezip(data: bytes, change) -> bytes:
    """The same zip with each entry's bytes through ``change(name, content)`` (None drops)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


FOREIGN = {
    "empty": b"",
    "csv": "Mã học sinh;Họ tên\r\n1;A\r\n".encode(),
    "utf16": "Mã học sinh\tHọ tên".encode("utf-16"),
    "html": b"<html><body><table><tr><td>1</td></tr></table></body></html>",
    "truncated": GOOD[: len(GOOD) // 2],
    "ods_like_zip": _rezip(GOOD, lambda n, c: None if n == "xl/workbook.xml" else c),
    "sheet_xml_cut": _rezip(GOOD, lambda n, c: c[: len(c) // 2] if "worksheets/" in n else c),
    "sheet_xml_garbage": _rezip(GOOD, lambda n, c: b"\x00\xff<<" if "worksheets/" in n else c),
    "workbook_xml_garbage": _rezip(
        GOOD, lambda n, c: b"<workbook" if n == "xl/workbook.xml" else c
    ),
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_damaged_or_foreign_files_are_corrupt_xlsx(name):
    with pytest.raises(BadFile) as caught:
        read_xlsx(FOREIGN[name], SPEC, source="f.xlsx")  # at the call, not while reading rows
    assert caught.value.reason == "corrupt_xlsx"
    assert caught.value.detail.startswith("f.xlsx: ")


def test_a_missing_file_is_corrupt_xlsx(tmp_path):
    with pytest.raises(BadFile) as caught:
        read_xlsx(tmp_path / "absent.xlsx", SPEC)
    assert caught.value.reason == "corrupt_xlsx"


def test_cut_or_damaged_anywhere_gives_badfile_or_the_rows():
    """Whatever the damage, the reader gives BadFile corrupt_xlsx or reads the file: never
    a calamine (or zip, or Rust panic) error of its own."""
    rng = random.Random(7)
    damaged = [GOOD[:cut] for cut in range(0, len(GOOD), 97)]
    for _ in range(300):
        data = bytearray(GOOD)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        damaged.append(bytes(data))
    stored = _rezip(GOOD, lambda n, c: c)  # uncompressed: the damage lands in the XML
    for _ in range(300):
        data = bytearray(stored)
        data[rng.randrange(len(data))] = rng.randrange(256)
        damaged.append(bytes(data))
    refused = 0
    for data in damaged:
        try:
            rows = list(read_xlsx(data, SPEC).rows)
        except BadFile as error:
            assert error.reason in ("corrupt_xlsx", "no_header_row") or error.reason.startswith(
                "missing_column:"
            )
            refused += 1
        else:
            assert len(rows) <= 300
    assert refused > len(damaged) // 2


# ------------------------------------------------------------------ total rows
def test_total_first_characters_are_every_one_a_total_can_begin_with():
    """The total-row test only looks closer at cells beginning with a space or one of
    TOTAL_FIRST: every character whose NFC form case-folds to a text beginning "t"."""
    hint = tabular._TOTAL_HINT
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if char.isspace():
            assert char in hint, hex(code)
        folded = unicodedata.normalize("NFC", char).casefold()
        if folded[:1] == "t" or char.casefold()[:1] == "t":
            assert char in TOTAL_FIRST, hex(code)
        if unicodedata.normalize("NFC", char)[:1].isspace():
            assert char.isspace(), hex(code)


@pytest.mark.parametrize(
    ("cell", "total"),
    [
        ("Tổng cộng", True),
        ("Tổng cộng: 278 học sinh", True),
        ("  TỔNG CỘNG  ", True),
        ("\u00a0Tổng  cộng", True),
        (unicodedata.normalize("NFD", "Tổng cộng"), True),
        (unicodedata.normalize("NFD", " TỔNG CỘNG:"), True),
        ("tổng cộng", True),
        ("Tong cong", False),
        ("Trần Thị Tổng", False),
        ("Cộng: Tổng cộng", False),
        ("", False),
    ],
)
def test_total_row(cell, total):
    row = ["", "12", cell]
    assert tabular._is_total(row) is total
    assert any(header_key(c).startswith(TOTAL_ROW) for c in row if c) is total
