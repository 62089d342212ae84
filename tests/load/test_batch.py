"""The one batch skeleton of every loader (eduwh.land.batch) on a real database: all or
nothing, a window read again leaves only its last reading, a failure is in the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eduwh import warehouse
from eduwh.land import ddl
from eduwh.land.batch import Batch

TABLE = ddl.MOTCUA_TABLES["thutuc"]
WINDOW = (None, datetime(2019, 12, 7, tzinfo=UTC))


def _open(settings):
    book = warehouse.connect(settings, role="eduwh_loader", autocommit=True)
    data = warehouse.connect(settings, role="eduwh_loader")
    ddl.ensure_tables(book)
    return book, data


def _state(book, batch_id):
    status, error, landed, quarantined = book.execute(
        "select status, error, rows_landed, rows_quarantined from meta.batch where batch_id = %s",
        (batch_id,),
    ).fetchone()
    rows = book.execute(f"select count(*) from {TABLE} where batch_id = %s", (batch_id,))
    rejects = book.execute("select count(*) from meta.quarantine where batch_id = %s", (batch_id,))
    return status, error, landed, quarantined, rows.fetchone()[0], rejects.fetchone()[0]


def test_a_restarted_window_keeps_only_its_last_reading(fresh_settings):
    book, data = _open(fresh_settings)
    with book, data:
        with Batch(
            book, data, source="motcua", entity="thutuc", window=WINDOW, run_id="t", agency_code="A"
        ) as batch:
            copy = batch.copy(TABLE)
            copy.write(1, {"MaTTHC": "first-reading"})
            batch.reject({"MaTTHC": None}, "missing_key", "first reading")
            batch.restart()  # the window moved while paged: read again from page 1
            copy = batch.copy(TABLE)
            copy.write(1, {"MaTTHC": "A"})
            copy.write(2, {"MaTTHC": "B"})
            batch.reject({"MaTTHC": ""}, "missing_key", "second reading")
            result = batch.succeed(reported=3, landed=copy.rows, watermark_to=WINDOW[1])
        assert result["landed"] == 2 and result["quarantined"] == 1
        assert _state(book, batch.id) == ("succeeded", None, 2, 1, 2, 1)
        codes = book.execute(f"select record->>'MaTTHC' from {TABLE} order by 1").fetchall()
        assert [code for (code,) in codes] == ["A", "B"]  # nothing of the first reading
        high_water = book.execute(
            "select high_water from meta.watermark where source = 'motcua' and entity = 'thutuc'"
        ).fetchone()[0]
        assert high_water == WINDOW[1]


def test_a_failure_lands_nothing_and_is_in_the_ledger(fresh_settings):
    book, data = _open(fresh_settings)
    with book, data:
        with pytest.raises(RuntimeError, match="portal went away"):
            with Batch(
                book,
                data,
                source="motcua",
                entity="thutuc",
                window=WINDOW,
                run_id="t",
                agency_code="A",
            ) as batch:
                batch.copy(TABLE).write(1, {"MaTTHC": "A"})
                batch.reject({"MaTTHC": None}, "missing_key", "row 2")
                raise RuntimeError("portal went away")
        status, error, *counts = _state(book, batch.id)
        assert status == "failed" and error == "RuntimeError: portal went away"
        assert counts == [None, None, 0, 0]


def test_counts_that_do_not_add_up_are_refused(fresh_settings):
    book, data = _open(fresh_settings)
    with book, data:
        with pytest.raises(AssertionError, match="landed 1 \\+ quarantined 0 != reported 2"):
            with Batch(
                book,
                data,
                source="motcua",
                entity="thutuc",
                window=WINDOW,
                run_id="t",
                agency_code="A",
            ) as batch:
                copy = batch.copy(TABLE)
                copy.write(1, {"MaTTHC": "A"})
                batch.succeed(reported=2, landed=copy.rows)  # one record went missing
        assert _state(book, batch.id)[0] == "failed"
        assert _state(book, batch.id)[4] == 0
