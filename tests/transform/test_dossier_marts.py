"""The dbt project end to end on hand-written records landed as the loader lands them.

One `dbt build` (seeds, snapshot, models, unit tests, data tests) for the module, then
one `dbt run` of the report marts for a second as-of date.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal

import psycopg
import pytest

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.warehouse.dbt import DbtError, dbt_environment, run_dbt

from .conftest import land

AGENCY = "000.23.34.H48"
PERSON = "Lê Thị Hồng Nhung"  # one applicant, filing two dossiers
OTHER = "Trần Văn Đức"
PERSON_ID, OTHER_ID = "051190001234", "051087005678"
MARTS = (
    "fct_dossier",
    "dim_procedure",
    "dim_channel",
    "dim_dossier_status",
    "dim_date",
    "dim_agency",
    "rpt_dossier_figures",
    "rpt_bieu_06_kstt",
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def procedure(code: str, level: int, bcci: bool, updated: str = "20170605080000") -> dict:
    return {
        "MaTTHC": code,
        "TenTTHC": f"Thủ tục {code}",
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": "Giáo dục trung học",
        "MucDo": level,
        "CoBCCI": bcci,
        "CoQuanThucHien": AGENCY,
        "QuyetDinhCongBo": "1019/QĐ-UBND",
        "NgayCapNhat": updated,
    }


def dossier(
    number: int,
    procedure_code: str,
    *,
    channel: str,
    status: str,
    received: str,
    due: str | None,
    finished: str = "",
    updated: str,
    name: str = OTHER,
    ident: str = OTHER_ID,
    returned: str = "",
) -> dict:
    return {
        "MaHoSo": f"{AGENCY}-19-{number:04d}",
        "MaTTHC": procedure_code,
        "TenTTHC": f"Thủ tục {procedure_code}",
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": nfd("Giáo dục trung học"),
        "KenhThucHien": channel,
        "HinhThuc": "0",
        "LoaiDoiTuong": "1",
        "ChuHoSo": name,
        "SoGiayToChuHoSo": ident,
        "TrichYeuHoSo": f"Hồ sơ của {name}",
        "NgayNopHoSo": received,
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": finished,
        "NgayTra": returned,
        "TrangThaiHoSo": status,
        "DonViXuLy": "Phòng Giáo dục Trung học",
        "NgayCapNhat": updated,
        "QuaTrinhXuLy": [
            {
                "TrangThai": status,
                "ThoiDiem": updated,
                "NguoiXuLy": "Nguyễn Thị Thu Hà",
                "NoiDung": "Tiếp nhận",
            }
        ],
    }


# D1, first version: received by BCCI, the applicant's name composed (NFC)
D1_V1 = dossier(
    1,
    "1.000001",
    channel="3",
    status="2",
    received="20190301080000",
    due="20190310170000",
    updated="20190301080000",
    name=PERSON,
    ident=PERSON_ID,
)
# D1, latest version: finished later the same day as due (on time); name decomposed (NFD)
D1_V2 = {
    **D1_V1,
    "TrangThaiHoSo": "10",
    "NgayKetThucXuLy": "20190310173000",
    "NgayTra": "20190311090000",
    "NgayCapNhat": "20190311090000",
    "ChuHoSo": nfd(PERSON),
}
# D2: online, the older date format, resolved a day late; same applicant, NFD name
D2 = dossier(
    2,
    "1.000001",
    channel="2",
    status="10",
    received="02/04/2019 09:15:00",
    due="12/04/2019 17:00:00",
    finished="13/04/2019 08:00:00",
    updated="13/04/2019 08:00:00",
    name=nfd(PERSON),
    ident=PERSON_ID,
)
D3 = dossier(
    3,
    "1.000002",
    channel="1",
    status="4",
    received="20191101080000",
    due="20191220170000",
    updated="20191101080000",
)
# D4: received on the last minute of 2018, finished early in 2019: carried over
D4 = dossier(
    4,
    "1.000002",
    channel="1",
    status="10",
    received="20181231235900",
    due="20190110170000",
    finished="20190102100000",
    updated="20190102100000",
)
D5 = dossier(
    5,
    "1.000002",
    channel="1",
    status="7",
    received="20190501080000",
    due="20190520170000",
    finished="20190503100000",
    updated="20190503100000",
)
D6 = dossier(
    6, "1.000002", channel="2", status="1", received="", due=None, updated="20191201080000"
)
D6["NgayTiepNhan"] = None
# D8: received after the as-of date
D8 = dossier(
    8,
    "1.000001",
    channel="3",
    status="2",
    received="20191210080000",
    due="20191225170000",
    updated="20191210080000",
)
# D7 only ever landed in a failed batch: must not exist for dbt
D7 = dossier(
    7,
    "1.000001",
    channel="1",
    status="2",
    received="20190601080000",
    due="20190610170000",
    updated="20190601080000",
    name="Phạm Quốc Bảo",
    ident="051000009999",
)

ALL_RECORDS = [D1_V1, D1_V2, D2, D3, D4, D5, D6, D7, D8]


@pytest.fixture(scope="module")
def built(landing_settings):
    settings = landing_settings
    # Catalogue: two nightly full copies; the latest is the current state.
    land(
        settings,
        "thutuc",
        [
            procedure("1.000001", 3, True),
            procedure("1.000002", 2, False),
            procedure("1.000003", 2, False),
        ],
    )
    land(settings, "thutuc", [procedure("1.000001", 3, True), procedure("1.000002", 2, False)])
    # Dossiers: nightly windows, D1 in two versions, one window extracted twice.
    land(settings, "hoso", [D4, D1_V1])
    land(settings, "hoso", [D1_V2, D2, D5])
    land(settings, "hoso", [D1_V2, D2, D5])  # the same window again
    land(settings, "hoso", [D7], status="failed")
    land(settings, "hoso", [D3, D6, D8])
    run_dbt(settings, ["build", "--vars", '{report_as_of_dates: ["2019-12-06"]}'])
    return settings


def figures(settings, as_of: str) -> dict:
    with warehouse.connect(settings, "eduwh_reader") as conn:
        cursor = conn.execute(
            "select * from marts.rpt_dossier_figures where as_of_date = %s", (as_of,)
        )
        rows = cursor.fetchall()
        assert len(rows) == 1, rows
        return dict(zip([c.name for c in cursor.description], rows[0], strict=True))


def test_dbt_environment_comes_from_the_transformer_dsn(settings, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_TRANSFORMER_PASSWORD", "p@ss:word")
    configured = Settings.from_env()  # the setting, read as every process reads it
    assert configured.role_passwords["eduwh_transformer"] == "p@ss:word"
    env = dbt_environment(dataclasses.replace(settings, role_passwords=configured.role_passwords))
    assert env["WAREHOUSE_TRANSFORMER_USER"] == "eduwh_transformer"
    assert env["WAREHOUSE_TRANSFORMER_PASSWORD"] == "p@ss:word"
    assert env["WAREHOUSE_HOST"] == "127.0.0.1"
    assert env["WAREHOUSE_PORT"] == str(settings.pg_port)
    assert env["WAREHOUSE_DBNAME"] == "eduwh"
    assert env["EDUWH_PSEUDONYM_KEY"] == settings.pseudonym_key()
    assert env["DBT_TARGET_PATH"].startswith(str(settings.home))
    assert env["DBT_LOG_PATH"].startswith(str(settings.home))


def test_figures_as_of_the_report_date(built):
    row = figures(built, "2019-12-06")
    expected = {
        "agency_name": "Sở Giáo dục và Đào tạo Quảng Ngãi",
        "report_year": 2019,
        "procedures_total": 2,
        "procedures_online_level_3": 1,
        "procedures_online_level_4": 0,
        "procedures_with_dossiers": 2,
        "procedures_online_with_dossiers": 1,
        "procedures_bcci_enabled": 1,
        "procedures_with_bcci_dossiers": 1,
        "dossiers_received": 5,
        "dossiers_received_new": 4,
        "dossiers_carried_over": 1,
        "dossiers_received_online": 1,
        "dossiers_received_direct": 2,
        "dossiers_received_bcci": 1,
        "dossiers_resolved": 3,
        "dossiers_resolved_early": 1,
        "dossiers_resolved_on_time": 1,
        "dossiers_resolved_early_or_on_time": 2,
        "dossiers_resolved_late": 1,
        "dossiers_in_progress": 1,
        "dossiers_in_progress_within_due": 1,
        "dossiers_in_progress_overdue": 0,
        "dossiers_withdrawn": 1,
        "dossiers_stopped": 0,
        "dossiers_returned_via_bcci": 0,
        "dossiers_pct_resolved_early_or_on_time": Decimal("66.7"),
        "dossiers_pct_received_bcci": Decimal("25.0"),
    }
    assert {k: row[k] for k in expected} == expected


def test_staging_keeps_the_latest_version_of_succeeded_batches(built):
    with warehouse.connect(built, "eduwh_transformer") as conn:
        rows = dict(
            conn.execute(
                "select dossier_code, status_code from staging.stg_motcua__hoso"
            ).fetchall()
        )
        d2 = conn.execute(
            "select received_at, received_date, finished_date from staging.stg_motcua__hoso"
            " where dossier_code = %s",
            (D2["MaHoSo"],),
        ).fetchone()
        catalogue = conn.execute("select count(*) from staging.stg_motcua__thutuc").fetchone()[0]
    assert rows[D1_V2["MaHoSo"]] == "10"
    assert D7["MaHoSo"] not in rows
    assert len(rows) == 7
    assert d2[0].isoformat() == "2019-04-02T02:15:00+00:00"
    assert (d2[1].isoformat(), d2[2].isoformat()) == ("2019-04-02", "2019-04-13")
    assert catalogue == 2


def test_nfc_and_nfd_names_give_one_pseudonym(built):
    with warehouse.connect(built, "eduwh_reader") as conn:
        pseudonyms = conn.execute(
            "select distinct applicant_name_pseudonym, applicant_id_pseudonym"
            " from marts.fct_dossier where dossier_code = any(%s)",
            ([D1_V1["MaHoSo"], D2["MaHoSo"]],),
        ).fetchall()
    assert len(pseudonyms) == 1
    assert re.fullmatch("[0-9a-f]{64}", pseudonyms[0][0])


def test_an_earlier_as_of_date_is_added_and_the_later_one_kept(built):
    run_dbt(
        built,
        [
            "run",
            "--select",
            "rpt_dossier_figures",
            "rpt_bieu_06_kstt",
            "--vars",
            '{report_as_of_dates: ["2019-06-30"]}',
        ],
    )
    june = figures(built, "2019-06-30")
    assert (june["dossiers_received_new"], june["dossiers_carried_over"]) == (3, 1)
    assert (june["dossiers_resolved"], june["dossiers_withdrawn"]) == (3, 1)
    assert june["dossiers_in_progress"] == 0
    assert figures(built, "2019-12-06")["dossiers_received"] == 5
    with warehouse.connect(built, "eduwh_reader") as conn:
        fields = conn.execute(
            "select as_of_date::text, field_name, received_total, resolved_late"
            " from marts.rpt_bieu_06_kstt order by as_of_date"
        ).fetchall()
    assert fields == [
        ("2019-06-30", "Giáo dục trung học", 4, 1),
        ("2019-12-06", "Giáo dục trung học", 5, 1),
    ]


def test_the_reader_reads_marts_only(built):
    with warehouse.connect(built, "eduwh_reader") as conn:
        for mart in MARTS:
            conn.execute(f"select * from marts.{mart} limit 1").fetchall()
    with warehouse.connect(built, "eduwh_reader") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from staging.stg_motcua__hoso").fetchall()


def test_no_personal_data_past_raw(built):
    names = {PERSON, OTHER, D7["ChuHoSo"]}
    secrets = names | {nfd(n) for n in names} | {PERSON_ID, OTHER_ID, D7["SoGiayToChuHoSo"]}
    assert_no_secret_in_models(built, secrets)


def test_a_failed_build_names_the_failed_nodes(built):
    with pytest.raises(DbtError, match="rpt_dossier_figures"):
        run_dbt(
            built,
            [
                "run",
                "--select",
                "rpt_dossier_figures",
                "--vars",
                '{report_as_of_dates: ["6 Dec 2019"]}',
            ],
        )


def assert_no_secret_in_models(settings, secrets: set[str]) -> None:
    """No text column of any model (staging, intermediate, marts, snapshots) holds a secret."""
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))
    with warehouse.connect(settings) as conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_schema in ('staging', 'intermediate', 'marts', 'snapshots')"
            " and data_type in ('text', 'character varying', 'jsonb', 'json')"
        ).fetchall()
        assert columns
        for schema, table, column in columns:
            values = conn.execute(
                f'select distinct "{column}"::text from "{schema}"."{table}"'
                f' where "{column}" is not null'
            ).fetchall()
            leaked = [v for (v,) in values if pattern.search(v)]
            assert not leaked, f"{schema}.{table}.{column} holds personal data: {leaked[:3]}"
