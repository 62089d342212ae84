"""RawCopy on a real database: a table without constant columns goes in COPY's binary
format, one with constants (or a window of naive times) in its text format; either way
every record lands as the JSON it was given (object, text or UTF-8 bytes), numbered, with
the batch's window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pendulum
import pytest

from eduwh import warehouse
from eduwh.land import ddl
from eduwh.land.copy import RawCopy

TABLE = ddl.MOTCUA_TABLES["hoso"]
VN = timezone(timedelta(hours=7))
VN_NAME = "Asia/Ho_Chi_Minh"
RECORDS = [
    {"MaHoSo": "A-1", "ChuHoSo": "Nguyễn Văn An", "x": [1, 2.5, None, True]},
    {"MaHoSo": "A-2", "note": 'back\\slash "quoted"\ttab\nnewline\r'},
    {"MaHoSo": "A-3", "nfd": "Nguye\u0302\u0303n", "n": 123456789012345678901234567890},
]


def _given(kind: str, record: dict):
    text = json.dumps(record, ensure_ascii=False, indent=1 if kind == "bytes" else None)
    return {"object": record, "text": text, "bytes": text.encode("utf-8")}[kind]


@pytest.mark.parametrize(
    "window, binary",
    [
        ((datetime(2019, 1, 1, tzinfo=VN), datetime(2019, 12, 7, tzinfo=VN)), True),
        ((None, datetime(2019, 12, 7, tzinfo=UTC)), True),
        # a night's window (eduwh.airflow.dags.Night.end): pendulum DateTimes
        (
            (pendulum.datetime(2019, 1, 1, tz=VN_NAME), pendulum.datetime(2019, 12, 7, tz=VN_NAME)),
            True,
        ),
        ((datetime(2019, 1, 1), datetime(2019, 12, 7)), False),  # naive: the text format
    ],
)
def test_every_record_lands_as_given(fresh_settings, window, binary):
    with warehouse.connect(fresh_settings, role="eduwh_loader") as conn:
        ddl.ensure_tables(conn)
        conn.execute("set timezone = 'Asia/Ho_Chi_Minh'")  # where a naive time is read
        with RawCopy(conn, TABLE, 42, *window) as copy:
            assert copy._binary is binary
            number = 0
            for kind in ("object", "text", "bytes"):
                for record in RECORDS:
                    number += 1
                    copy.write(number * 10, _given(kind, record))
        assert copy.rows == 9
        landed = conn.execute(
            f"select record_no, record, window_start, window_end from {TABLE} "
            "where batch_id = 42 order by record_no"
        ).fetchall()
        conn.rollback()
    assert [row[0] for row in landed] == [n * 10 for n in range(1, 10)]
    assert [row[1] for row in landed] == RECORDS * 3
    expected = tuple(w if w is None or w.tzinfo else w.replace(tzinfo=VN) for w in window)
    assert {(row[2], row[3]) for row in landed} == {expected}


def test_a_nul_is_refused_clearly(fresh_settings):
    with warehouse.connect(fresh_settings, role="eduwh_loader") as conn:
        ddl.ensure_tables(conn)
        with pytest.raises(ValueError, match="NUL"):
            with RawCopy(conn, TABLE, 43, None, None) as copy:
                copy.write(1, b'{"a":"\x00"}')
        conn.rollback()


def test_an_empty_binary_copy_lands_nothing(fresh_settings):
    with warehouse.connect(fresh_settings, role="eduwh_loader") as conn:
        ddl.ensure_tables(conn)
        with RawCopy(conn, TABLE, 44, None, None) as copy:
            assert copy._binary
        assert conn.execute(f"select count(*) from {TABLE} where batch_id = 44").fetchone() == (0,)
        conn.rollback()
