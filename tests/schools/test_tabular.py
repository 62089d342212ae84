"""Readers of the school files: header by text, title rows, totals, dates, encodings, bad files."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from eduwh.extract.tabular import (
    BadFile,
    Columns,
    decode_csv,
    header_key,
    parse_date,
    parse_decimal,
    read_csv,
    read_xlsx,
)
from eduwh_sandbox.schools_dataset.spreadsheets import to_cp1258, xlsx_bytes

SPEC = Columns(required=("Mã học sinh", "Họ tên"), optional=("Ngày sinh", "Dân tộc"))


def test_header_key_ignores_case_spaces_and_normal_form():
    assert header_key("  MÃ HỌC  SINH ") == header_key(unicodedata.normalize("NFD", "Mã học sinh"))


def test_xlsx_title_rows_moved_columns_total_row_and_excel_dates():
    rows = [
        ["SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG NGÃI"],
        ["DANH SÁCH HỌC SINH"],
        ["STT", unicodedata.normalize("NFD", " Họ Tên "), "Cột lạ", "NGÀY SINH", "Mã học sinh"],
        [1, "Nguyễn Văn A", "x", datetime(2010, 3, 4), 5401000100001],
        [2, "Lê Thị B", "y", "05/06/2011", "5401000100002"],
        ["Tổng cộng", "", "", "", "2"],
        [3, "never read", "", "", "3"],
    ]
    table = read_xlsx(xlsx_bytes(rows), SPEC)
    assert table.header_row == 3
    records = list(table.rows)
    assert len(records) == 2
    name = table.columns["Họ tên"]
    assert records[0][name] == "Nguyễn Văn A"
    assert records[0][table.columns["Mã học sinh"]] == "5401000100001"
    assert records[0][table.columns["Ngày sinh"]] == "04/03/2010"
    assert "Dân tộc" not in table.columns
    assert parse_date(records[1][table.columns["Ngày sinh"]]).isoformat() == "2011-06-05"


def test_xlsx_stops_at_blank_row():
    rows = [["Mã học sinh", "Họ tên"], ["1", "A"], [], ["2", "B"]]
    assert len(list(read_xlsx(xlsx_bytes(rows), SPEC).rows)) == 1


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([["1", "Nguyễn Văn A"], ["2", "Lê Thị B"]], "no_header_row"),
        ([["Mã học sinh", "Ngày sinh", "Dân tộc"], ["1", "", ""]], "missing_column:Họ tên"),
    ],
)
def test_xlsx_bad_headers(rows, reason):
    with pytest.raises(BadFile) as caught:
        read_xlsx(xlsx_bytes(rows), SPEC)
    assert caught.value.reason == reason


def test_corrupt_xlsx():
    data = xlsx_bytes([["Mã học sinh", "Họ tên"], ["1", "A"]])
    with pytest.raises(BadFile) as caught:
        list(read_xlsx(data[: len(data) // 2], SPEC).rows)
    assert caught.value.reason == "corrupt_xlsx"


def test_csv_encodings():
    text = "MaHocSinh;HoTen;DiemTBHK\r\n1;Nguyễn Thị Tuyết;7,8\r\n"
    spec = Columns(("MaHocSinh", "HoTen"), ("DiemTBHK",))
    for data, encoding in [
        (b"\xef\xbb\xbf" + text.encode(), "utf-8-sig"),
        (to_cp1258(text), "cp1258"),
    ]:
        decoded, found = decode_csv(data)
        assert found == encoding
        record = next(read_csv(data, spec).rows)
        assert unicodedata.normalize("NFC", record["HoTen"]) == "Nguyễn Thị Tuyết"
        assert parse_decimal(record["DiemTBHK"]) == parse_decimal("7.8")
    with pytest.raises(BadFile) as caught:
        read_csv(text.encode("utf-16"), spec)
    assert caught.value.reason == "wrong_encoding"
