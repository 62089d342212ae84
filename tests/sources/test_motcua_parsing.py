"""Timestamps and record validation of the one-stop portal (no server, no database)."""

from __future__ import annotations

from datetime import datetime

import pytest

from eduwh.extract.motcua import (
    VN_TZ,
    format_timestamp,
    parse_timestamp,
    validate_hoso,
    validate_thutuc,
)


def test_both_timestamp_formats_are_local_vietnam_time():
    expected = datetime(2019, 12, 6, 8, 30, 15, tzinfo=VN_TZ)
    assert parse_timestamp("20191206083015") == expected
    assert parse_timestamp("06/12/2019 08:30:15") == expected
    assert parse_timestamp("20191206083015").utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("empty", [None, "", "  "])
def test_empty_means_not_reached(empty):
    assert parse_timestamp(empty) is None


@pytest.mark.parametrize(
    "bad",
    [
        "31/02/2019 25:00:00",
        "20191306083015",
        "2019-12-06",
        "abc",
        "２０１９１２０６０８３０１５",
        20191206083015,
        "06/12/2019 8:30:15",
    ],
)
def test_unparsable(bad):
    with pytest.raises(ValueError):
        parse_timestamp(bad)


def test_windows_are_sent_as_local_compact_time():
    assert format_timestamp(datetime(2019, 12, 7)) == "20191207000000"
    assert (
        format_timestamp(datetime(2019, 12, 6, 17, 0, tzinfo=VN_TZ).astimezone(VN_TZ.__class__.utc))
        == "20191206170000"
    )


GOOD = {
    "MaHoSo": "X-1",
    "MaTTHC": "1.004889",
    "NgayTiepNhan": "20191206080000",
    "NgayHenTra": "20191210080000",
    "NgayKetThucXuLy": "",
    "NgayTra": None,
    "NgayNopHoSo": "06/12/2019 07:00:00",
    "NgayCapNhat": "20191206080000",
}


@pytest.mark.parametrize(
    "change, reason, detail",
    [
        ({"MaHoSo": None}, "missing_key", "MaHoSo=None"),
        ({"MaHoSo": ""}, "missing_key", "MaHoSo=''"),
        (
            {"NgayTiepNhan": "31/02/2019 25:00:00"},
            "unparsable_date",
            "NgayTiepNhan='31/02/2019 25:00:00'",
        ),
        ({"NgayHenTra": "20191206075959"}, "due_before_receipt", None),
        ({"MaTTHC": "9.999"}, "unknown_procedure", "MaTTHC='9.999'"),
    ],
)
def test_dossier_problems(change, reason, detail):
    problem = validate_hoso({**GOOD, **change}, {"1.004889"})
    assert problem.reason == reason
    if detail:
        assert problem.detail == detail


def test_valid_dossier_and_same_day_due():
    assert validate_hoso(GOOD, {"1.004889"}) is None
    assert validate_hoso({**GOOD, "NgayHenTra": GOOD["NgayTiepNhan"]}, {"1.004889"}) is None
    assert validate_hoso(["not", "an", "object"], set()).reason == "missing_key"


def test_catalogue_rows():
    assert validate_thutuc({"MaTTHC": "1.004889", "NgayCapNhat": "20190301080000"}) is None
    assert validate_thutuc({"TenTTHC": "x"}).reason == "missing_key"
    assert validate_thutuc({"MaTTHC": "1", "NgayCapNhat": "x"}).reason == "unparsable_date"
