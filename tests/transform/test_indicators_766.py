"""The Decision 766 marts end to end on hand-written 2025 records landed as the loader
lands them (contracts/indicators_766.md), as of 2025-07-31.

Every expected figure below is worked out by hand from the records of this file; the
comments say which dossiers make it. Working days: Monday-Friday less Vietnam's public
holidays (seed vn_public_holidays: 30 April, 1 and 2 May 2025 are days off); a
fraction of a day is the share of its 24 hours.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from eduwh import warehouse
from eduwh.warehouse.dbt import run_dbt

from .conftest import land

AGENCY = "000.23.34.H48"
AS_OF = "2025-07-31"


def procedure(code: str, **fields) -> dict:
    return {
        "MaTTHC": code,
        "TenTTHC": f"Thủ tục {code}",
        "MaLinhVuc": "GDTrH",
        "TenLinhVuc": "Giáo dục trung học",
        "CoBCCI": True,
        "CoQuanThucHien": AGENCY,
        "QuyetDinhCongBo": "1019/QĐ-UBND",
        "NgayCapNhat": "20250301080000",
        **fields,
    }


CATALOGUE = [
    # full online, fee, paper result, 5 working days
    procedure(
        "1.000001",
        MucDo=4,
        DVCTrucTuyen="toan_trinh",
        DuDieuKienToanTrinh=True,
        CoPhiLePhi=True,
        YeuCauKetQuaGiay=True,
        ThoiHanGiaiQuyet=5,
        DonViTinh="ngay_lam_viec",
    ),
    # partial online, no fee, no paper result, 10 working days
    procedure(
        "1.000002",
        MucDo=3,
        DVCTrucTuyen="mot_phan",
        DuDieuKienToanTrinh=False,
        CoPhiLePhi=False,
        YeuCauKetQuaGiay=False,
        ThoiHanGiaiQuyet=10,
        DonViTinh="ngay_lam_viec",
    ),
    procedure("1.000003", MucDo=2),  # a version from before Decree 42/2022: none
    procedure("1.000004", MucDo=2, DVCTrucTuyen="", DuDieuKienToanTrinh=True),
]


def step(status: str, at: str) -> dict:
    return {"TrangThai": status, "ThoiDiem": at, "NguoiXuLy": "Nguyễn Thị Thu Hà", "NoiDung": "-"}


def dossier(letter: str, code: str, channel: str, received: str, due: str | None, steps, **more):
    statuses = [s["TrangThai"] for s in steps]
    last = steps[-1]["ThoiDiem"] if steps else received
    finished = next((s["ThoiDiem"] for s in steps if s["TrangThai"] in ("9", "10")), "")
    return {
        "MaHoSo": f"{AGENCY}-2507-{letter}",
        "MaTTHC": code,
        "KenhThucHien": channel,
        "HinhThuc": "0",
        "LoaiDoiTuong": "1",
        "ChuHoSo": "Lê Thị Hồng Nhung",
        "SoGiayToChuHoSo": "051190001234",
        "NgayNopHoSo": received,
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": finished,
        "TrangThaiHoSo": statuses[-1] if statuses else "2",
        "NgayCapNhat": last,
        "QuaTrinhXuLy": steps,
        **more,
    }


FILE = {"TenTaiLieu": "Đơn", "DuongDan": "https://dvc/1.pdf", "DuocSoHoa": 0, "DuocLayTuKhoDMQG": 0}
RESULT = {"MaKetQua": "KQ-1", "DuongDanTepTinKetQua": "https://dvc/kq.pdf"}

# A: finished 16:45 on a 17:00 due date (on time); 1 Jul 08:00 (Tue) .. 7 Jul 16:45 (Mon)
#    = 16/24 + 3 + 16.75/24 = 4.3646 working days; paid online, e-result, reused data
A = dossier(
    "A",
    "1.000001",
    "2",
    "20250701080000",
    "20250707170000",
    [step("2", "20250701080000"), step("9", "20250707164500"), step("10", "20250708090000")],
    DuocThanhToanTrucTuyen="1",
    DanhSachPhiLePhi=[{"TenPhiLePhi": "Lệ phí", "Gia": 50000}],
    TaiLieuNop=[{**FILE, "DuocSoHoa": 1, "DuocLayTuKhoDMQG": 1}],
    **RESULT,
)
# B: finished 17:30 on a 17:00 due date (late) = 16/24 + 3 + 17.5/24 = 4.3958 working days
B = dossier(
    "B",
    "1.000001",
    "2",
    "20250701080000",
    "20250707170000",
    [step("2", "20250701080000"), step("9", "20250707173000")],
    DuocThanhToanTrucTuyen="0",
    DanhSachPhiLePhi=[{"TenPhiLePhi": "Lệ phí", "Gia": 50000}],
    TaiLieuNop=[FILE],
)
# C: one supplement of three days (Mon 7 Jul 08:00 .. Thu 10 Jul 08:00) subtracted: ends
#    Fri 11 Jul 10:00, less 3 days = 8 Jul 10:00 <= due 9 Jul 17:00: on time;
#    16/24 + 2 + 4 + 10/24 - 3 = 4.0833 working days
C = dossier(
    "C",
    "1.000002",
    "1",
    "20250702080000",
    "20250709170000",
    [
        step("2", "20250702080000"),
        step("5", "20250707080000"),
        step("4", "20250710080000"),
        step("9", "20250711100000"),
    ],
    HoSoCoThanhPhanSoHoa=1,
)
# D: two supplements: late whatever the times; 16/24 + 4 + 9/24 - 1 - 1 = 3.0417 working days
D = dossier(
    "D",
    "1.000002",
    "3",
    "20250714080000",
    "20250725170000",
    [
        step("2", "20250714080000"),
        step("5", "20250715080000"),
        step("4", "20250716080000"),
        step("5", "20250717080000"),
        step("4", "20250718080000"),
        step("9", "20250721090000"),
    ],
)
# E: waiting for a supplement at the end of the period: ends at the request (30 Jul 10:00)
#    <= due 8 Aug: on time; unfinished, so not in 2.2
E = dossier(
    "E",
    "1.000002",
    "2",
    "20250728080000",
    "20250808170000",
    [step("2", "20250728080000"), step("5", "20250730100000")],
    TaiLieuNop=[FILE],
)
# F: no due date, maximum 10 working days: 16/24 + 3 + 5 + 16/24 = 9.3333 <= 10: on time
F = dossier(
    "F",
    "1.000002",
    "1",
    "20250701080000",
    None,
    [step("2", "20250701080000"), step("9", "20250714160000")],
)
# G: no due date: 16/24 + 3 + 5 + 3 + 8/24 = 12.0 > 10: late_over_max_time
G = dossier(
    "G",
    "1.000002",
    "1",
    "20250701080000",
    None,
    [step("2", "20250701080000"), step("9", "20250717080000")],
)
# H: public holidays inside (30 Apr, 1 and 2 May), no QuaTrinhXuLy (NgayKetThucXuLy
#    used): Mon 28 Apr 08:00 .. Mon 5 May 08:00 = 16/24 + 1 + 8/24 = 2.0 working days
H = dossier("H", "1.000002", "1", "20250428080000", "20250506170000", [])
H.update(TrangThaiHoSo="10", NgayKetThucXuLy="20250505080000", NgayCapNhat="20250505080000")
# I: unfinished at the end of July, due 29 Jul: late; every fee free (not in 3.6)
DOSSIER_I = dossier(
    "I",
    "1.000001",
    "2",
    "20250722080000",
    "20250729170000",
    [step("2", "20250722080000")],
    DuocThanhToanTrucTuyen="0",
    DanhSachPhiLePhi=[{"TenPhiLePhi": "Lệ phí", "Gia": 0}],
)
DOSSIERS = [A, B, C, D, E, F, G, H, DOSSIER_I]


@pytest.fixture(scope="module")
def built(landing_settings):
    land(landing_settings, "thutuc", CATALOGUE)
    land(landing_settings, "hoso", DOSSIERS)
    run_dbt(
        landing_settings,
        [
            "build",
            "--select",
            "+rpt_indicators_766",
            "+rpt_indicator_766_dossiers",
            "--vars",
            f'{{report_as_of_dates: ["{AS_OF}"]}}',
        ],
    )
    return landing_settings


def indicators(settings, period: str) -> dict:
    with warehouse.connect(settings, "eduwh_reader") as conn:
        rows = conn.execute(
            "select indicator_id, breakdown, numerator, denominator, rate, score_ratio"
            " from marts.rpt_indicators_766 where as_of_date = %s and period_label = %s",
            (AS_OF, period),
        ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def D_(text: str) -> Decimal:
    return Decimal(text)


def test_the_month_of_july(built):
    july = indicators(built, "2025-07")
    # 2.1: A B C D E F G I in the universe (H finished in May); on time A C E F
    assert july[("2.1", "all")] == (4, 8, D_("50.00"), None)
    # 2.2: finished 9/10 and received in July: A B C D F G
    #      (4.3646 + 4.3958 + 4.0833 + 3.0417 + 9.3333 + 12.0) / 6 = 6.2
    assert july[("2.2", "all")][1:3] == (6, D_("6.20"))
    assert july[("2.2", "1.000001")][1:3] == (2, D_("4.40"))  # (4.3646 + 4.3958) / 2
    # 3.1: 1.000001 toan_trinh and 1.000002 mot_phan of 4; full online: 1 of the 2 eligible
    assert july[("3.1", "all")] == (2, 4, D_("50.00"), D_("0.6250"))
    assert july[("3.1", "full_online")][:3] == (1, 2, D_("50.00"))
    # 3.3: online with an e-result where 1.000001 needs one: A and E of 8 received
    assert july[("3.3", "all")] == (2, 8, D_("25.00"), D_("0.5000"))
    assert july[("3.3", "direct")][:3] == (3, 8, D_("37.50"))  # C F G
    assert july[("3.3", "postal")][:3] == (1, 8, D_("12.50"))  # D
    # 3.6: started in July, procedure with a fee, not every fee free: A B; paid: A
    assert july[("3.6", "all")][:3] == (1, 2, D_("50.00"))
    # 4.1: dossiers of 1.000001 (paper result): A B I; result file: A
    assert july[("4.1", "all")][:3] == (1, 3, D_("33.33"))
    # 4.2: a submitted file and (1.000002, or an e-result): A E
    assert july[("4.2", "all")] == (2, 8, D_("25.00"), D_("0.3125"))
    assert july[("4.3", "all")][:3] == (2, 8, D_("25.00"))  # A (DuocSoHoa), C
    assert july[("4.4", "all")][:3] == (1, 8, D_("12.50"))  # A


def test_a_public_holiday_inside_the_processing_time(built):
    q2 = indicators(built, "2025-Q2")
    assert q2[("2.2", "all")][1:3] == (1, D_("2.00"))  # H alone: 2.0 working days
    # H in April: unfinished at the end of April (1 May 00:00 <= due 6 May): on time
    assert indicators(built, "2025-04")[("2.1", "all")][:2] == (1, 1)
    year = indicators(built, "2025")
    assert year[("2.1", "all")][:2] == (5, 9)  # the July ones and H
    assert year[("2.2", "all")][1] == 7


def test_the_dossiers_say_why_not(built):
    with warehouse.connect(built, "eduwh_reader") as conn:
        rows = conn.execute(
            "select right(dossier_code, 1), reason, supplement_requests, processing_working_days"
            " from marts.rpt_indicator_766_dossiers"
            " where as_of_date = %s and period_label = '2025-07' and indicator_id = '2.1'",
            (AS_OF,),
        ).fetchall()
        columns = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'marts' and table_name = 'rpt_indicator_766_dossiers'"
            )
        }
    by_letter = {r[0]: r[1:] for r in rows}
    assert by_letter == {
        "A": (None, 0, D_("4.36")),
        "B": ("late", 0, D_("4.40")),
        "C": (None, 1, D_("4.08")),
        "D": ("late_supplement_twice", 2, D_("3.04")),
        "E": (None, 1, by_letter["E"][2]),
        "F": (None, 0, D_("9.33")),
        "G": ("late_over_max_time", 0, D_("12.00")),
        "I": ("late", 0, by_letter["I"][2]),
    }
    assert not columns & {"applicant_name_pseudonym", "applicant_id_pseudonym", "chu_ho_so"}


def test_the_marts_add_up(built):
    with warehouse.connect(built, "eduwh_reader") as conn:
        mismatches = conn.execute(
            "select i.indicator_id, i.period_label, i.numerator, i.denominator, d.n, d.d"
            " from marts.rpt_indicators_766 as i"
            " left join (select agency_code, indicator_id, period_kind, period_start, as_of_date,"
            "   count(*) filter (where is_in_numerator) as n, count(*) as d"
            "   from marts.rpt_indicator_766_dossiers group by 1, 2, 3, 4, 5) as d"
            " using (agency_code, indicator_id, period_kind, period_start, as_of_date)"
            " where i.breakdown = 'all' and i.indicator_id not in ('2.2', '3.1')"
            " and (i.numerator, i.denominator)"
            " is distinct from (coalesce(d.n, 0), coalesce(d.d, 0))"
        ).fetchall()
    assert mismatches == []


# -- `eduwh indicators` on the same warehouse ------------------------------------------
def run_cli(settings, capfd, *argv: str) -> str:
    from eduwh.cli import _parser
    from eduwh.cli.indicators import indicators_main

    capfd.readouterr()  # drop what the fixture printed
    args = _parser().parse_args(["indicators", *argv])
    assert args.handler.__name__ == "_indicators"
    assert indicators_main(settings, args) == 0
    return capfd.readouterr().out


def test_indicators_json(built, capfd):
    import json

    out = json.loads(
        run_cli(built, capfd, "--period", "2025-07", "--as-of", AS_OF, "--format", "json")
    )
    assert (out["agency"], out["period"], out["period_kind"]) == (AGENCY, "2025-07", "month")
    rows = {(r["indicator_id"], r["breakdown"]): r for r in out["indicators"]}
    # the July figures of test_the_month_of_july
    assert (rows[("2.1", "all")]["numerator"], rows[("2.1", "all")]["denominator"]) == (4, 8)
    assert rows[("2.1", "all")]["rate"] == 50
    assert rows[("3.3", "all")]["score_ratio"] == 0.5
    assert rows[("2.2", "all")]["unit"] == "working_days" and rows[("2.2", "all")]["rate"] == 6.2


def test_indicators_csv_and_table(built, capfd):
    import csv
    import io

    text = run_cli(built, capfd, "--period", "2025-Q3", "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "indicator_id",
        "breakdown",
        "indicator_name",
        "unit",
        "numerator",
        "denominator",
        "rate",
        "threshold",
        "score_ratio",
    ]
    # Q3 as of 31 July is July: 3.3 postal = D of 8
    postal = next(r for r in rows if (r["indicator_id"], r["breakdown"]) == ("3.3", "postal"))
    assert (postal["numerator"], postal["denominator"], postal["rate"]) == ("1", "8", "12.5")
    assert rows[0]["indicator_id"] == "2.1"

    table = run_cli(built, capfd, "--period", "2025", "--as-of", AS_OF)
    lines = table.splitlines()
    assert lines[0] == f"Decision 766 indicators, {AGENCY}, 2025, as of {AS_OF}"
    first = lines[3].split()
    # the year: the July dossiers and H; on time A C E F H
    # (2.1 has no threshold nor score: the line ends with the rate, 5 / 9 = 55.56 %)
    assert first[:2] + first[-4:] == ["2.1", "all", "percent", "5", "9", "55.56"]


def test_indicators_dossiers_list(built, capfd):
    import csv
    import io

    text = run_cli(
        built,
        capfd,
        "--period",
        "2025-07",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        "--dossiers",
        "2.1",
    )
    rows = {r["dossier_code"][-1]: r for r in csv.DictReader(io.StringIO(text))}
    assert sorted(rows) == ["A", "B", "C", "D", "E", "F", "G", "I"]
    assert rows["D"]["reason"] == "late_supplement_twice" and rows["A"]["reason"] == ""
    assert "ChuHoSo" not in text and "Lê Thị" not in text


def test_an_as_of_date_not_built_yet_is_built_and_stdout_stays_json(built, capfd):
    import json

    text = run_cli(built, capfd, "--period", "2025-07", "--as-of", "2025-07-15", "--format", "json")
    rows = {(r["indicator_id"], r["breakdown"]): r for r in json.loads(text)["indicators"]}
    # as of 15 July: A B C F finished by then, D G unfinished (D waits for its supplement
    # requested 15 Jul 08:00: ends there, on time; G: 10.67 working days > 10); E, I later
    assert (rows[("2.1", "all")]["numerator"], rows[("2.1", "all")]["denominator"]) == (4, 6)
    assert rows[("2.1", "all")]["rate"] == 66.67
    assert indicators(built, "2025-07")[("2.1", "all")][:2] == (4, 8)  # 31 July kept


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--period", "2025-13", "--as-of", AS_OF], "--period must be a month"),
        (["--period", "2025-08", "--as-of", AS_OF], "starts after --as-of"),
        (["--period", "2025-07", "--as-of", "31/07/2025"], "--as-of must be a date"),
        (["--period", "2025-07", "--as-of", AS_OF, "--dossiers", "2.2"], "--dossiers must be"),
        (["--period", "2022-07", "--as-of", AS_OF], "no Decision 766 indicators for period"),
    ],
)
def test_indicators_refusals_are_one_line(built, argv, message):
    from eduwh.cli import _parser
    from eduwh.cli.indicators import indicators_main
    from eduwh.errors import UserError

    with pytest.raises(UserError, match=message) as error:
        indicators_main(built, _parser().parse_args(["indicators", *argv]))
    assert "\n" not in str(error.value)
