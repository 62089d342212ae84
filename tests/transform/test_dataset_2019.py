"""The Quảng Ngãi 2019 data set through the dbt project gives the seed report's figures.

The expected figures are not written here: they come from the data set's expected.json
(eduwh_sandbox.motcua_dataset, whose figures are those of the seed report
000_192d14e16932da76.txt: 655 received, 599 resolved, 595 early or on time, 4 late,
55 in progress, 1 withdrawn, 421 received by BCCI; 41 procedures, 3 at level 3, 15 with
BCCI dossiers). Records land the way the loader lands them; invalid records (the
data set's `quarantine` block) are left out here as the loader quarantines them.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest

from eduwh import warehouse
from eduwh.warehouse.dbt import run_dbt

from .conftest import land
from .test_dossier_marts import MARTS, assert_no_secret_in_models

motcua_dataset = pytest.importorskip("eduwh_sandbox.motcua_dataset")

AS_OF = "2019-12-06"
DATE_FIELDS = (
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "NgayCapNhat",
)


def parse(value):
    """A contract timestamp (either format); None when empty; ValueError when unparsable."""
    if value in (None, ""):
        return None
    for layout in ("%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.strptime(value, layout)
        except (TypeError, ValueError):
            continue
    raise ValueError(value)


def invalid_reason(record: dict, known: set[str]) -> str | None:
    if not record.get("MaHoSo"):
        return "missing_key"
    try:
        stamps = {name: parse(record.get(name)) for name in DATE_FIELDS}
    except ValueError:
        return "unparsable_date"
    if record.get("MaTTHC") not in known:
        return "unknown_procedure"
    received, due = stamps["NgayTiepNhan"], stamps["NgayHenTra"]
    if received and due and due.date() < received.date():
        return "due_before_receipt"
    return None


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("motcua_2019")
    motcua_dataset.generate(folder)
    return {
        "thutuc": read_jsonl(folder / "motcua" / "thutuc.jsonl"),
        "hoso": read_jsonl(folder / "motcua" / "hoso.jsonl"),
        "expected": json.loads((folder / "expected.json").read_text("utf-8")),
    }


@pytest.fixture(scope="module")
def built_2019(landing_settings, dataset):
    settings = landing_settings
    # The catalogue as one nightly full copy: the latest version of every procedure.
    catalogue = {}
    for version in dataset["thutuc"]:
        catalogue[version["MaTTHC"]] = version
    land(settings, "thutuc", list(catalogue.values()))

    valid, skipped = [], 0
    for record in dataset["hoso"]:
        if invalid_reason(record, set(catalogue)):
            skipped += 1
        else:
            valid.append(record)
    planted = dataset["expected"]["quarantine"]["motcua_hoso"]
    assert skipped == sum(planted.values()), planted
    # Four nightly windows, and the last one extracted twice.
    size = len(valid) // 4 + 1
    windows = [valid[i : i + size] for i in range(0, len(valid), size)]
    for window in windows:
        land(settings, "hoso", window)
    land(settings, "hoso", windows[-1])

    run_dbt(settings, ["build", "--vars", f'{{report_as_of_dates: ["{AS_OF}"]}}'])
    return settings


def test_the_marts_give_the_figures_of_expected_json(built_2019, dataset):
    expected = dataset["expected"]
    with warehouse.connect(built_2019, "eduwh_reader") as conn:
        cursor = conn.execute(
            "select * from marts.rpt_dossier_figures where as_of_date = %s", (AS_OF,)
        )
        rows = cursor.fetchall()
        names = [c.name for c in cursor.description]
    assert len(rows) == 1
    row = dict(zip(names, rows[0], strict=True))
    assert row["agency_code"] == expected["agency"]["code"]
    assert row["agency_name"] == expected["agency"]["name"]
    assert row["report_year"] == expected["year"]
    got, want = {}, {}
    for section in ("procedures", "dossiers"):
        for key, value in expected[section].items():
            column = f"{section}_{key}"
            got[column] = row[column]
            want[column] = Decimal(str(value)) if isinstance(value, float) else value
    assert got == want
    # The seed report's own numbers, as a guard on expected.json itself.
    assert (
        row["dossiers_received"],
        row["dossiers_resolved"],
        row["dossiers_in_progress"],
        row["dossiers_withdrawn"],
    ) == (655, 599, 55, 1)


def test_the_reader_reads_every_mart(built_2019):
    with warehouse.connect(built_2019, "eduwh_reader") as conn:
        for mart in MARTS:
            assert conn.execute(f"select count(*) from marts.{mart}").fetchone()[0] > 0


def test_no_applicant_name_or_identity_number_past_raw(built_2019, dataset):
    secrets = set()
    for record in dataset["hoso"]:
        for field in ("ChuHoSo", "SoGiayToChuHoSo"):
            if record.get(field):
                secrets.add(record[field])
    assert len(secrets) > 100
    assert_no_secret_in_models(built_2019, secrets)


def test_the_python_school_year_is_the_one_of_dim_date(built_2019):
    """dim_date.school_year is the school year's one definition; a night that must ask
    csdl.moet for a school year before any model is built (eduwh.school_year) agrees
    with it on every day of the calendar."""
    from eduwh.school_year import school_year_of

    with warehouse.connect(built_2019, "eduwh_reader") as conn:
        days = conn.execute("select date_day, school_year from marts.dim_date").fetchall()
    assert len(days) > 365 * 10
    disagree = [(day, year) for day, year in days if school_year_of(day) != year]
    assert disagree == []
