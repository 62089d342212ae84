"""The dossiers of a page decoded as HosoFields (only what validate_hoso reads) are judged
exactly as the same records decoded whole: same problem, same detail, or both valid."""

from __future__ import annotations

import json

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from eduwh.extract.jsontext import split_page_bytes
from eduwh.extract.motcua import HOSO_TIMESTAMPS, HosoFields, validate_hoso

KNOWN = {"1.004889"}
TIMES = st.sampled_from(
    [
        None,
        "",
        "  ",
        "20191206080000",
        "20191206075959",
        "20191210080000",
        "06/12/2019 08:00:00",
        "07/12/2019 07:00:00",
        " 20191206080000",
        "20191306080000",
        "20190229080000",
        "20200229235959",
        "20191206240000",
        "31/02/2019 25:00:00",
        "2019-12-06",
        "２０１９１２０６０８３０１５",
        20191206080000,
        ["20191206080000"],
    ]
)
STEPS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "TrangThai": st.sampled_from(["2", "5", 9, "11", None, True]),
            "ThoiDiem": TIMES,
        },
    ),
    max_size=3,
)
DOSSIER = st.fixed_dictionaries(
    {},
    optional={
        "MaHoSo": st.sampled_from(["X-1", "", " ", None, 7]),
        "MaTTHC": st.sampled_from(["1.004889", "9.9", None]),
        **{name: TIMES for name in HOSO_TIMESTAMPS},
        "DuocThanhToanTrucTuyen": st.sampled_from([None, "0", "2", "3", 1, True]),
        "DanhSachPhiLePhi": st.sampled_from(
            [None, [], [{"Gia": 0}], [{"Gia": "miễn"}], {"Gia": 0}, [1]]
        ),
        "TaiLieuNop": st.sampled_from([None, [{"DuocSoHoa": 1}], [{"DuocSoHoa": "có"}]]),
        "HoSoCoThanhPhanSoHoa": st.sampled_from([None, 0, "1", 2, False]),
        "QuaTrinhXuLy": STEPS | st.none(),
        "ChuHoSo": st.just("Nguyễn Văn An"),
    },
)


def _judged(problem):
    return None if problem is None else (problem.reason, problem.detail)


@settings(max_examples=400, deadline=None)
@given(DOSSIER)
def test_fields_only_is_judged_as_the_whole_record(record):
    text = json.dumps(record, ensure_ascii=False).encode()
    fields = msgspec.json.decode(text, type=HosoFields)
    assert _judged(validate_hoso(fields, KNOWN)) == _judged(validate_hoso(record, KNOWN))


@settings(max_examples=100, deadline=None)
@given(st.lists(DOSSIER, max_size=5))
def test_a_page_gives_fields_and_the_texts_as_received(records):
    content = json.dumps({"total": len(records), "data": records}, ensure_ascii=False).encode()
    body, texts = split_page_bytes(content, "data", HosoFields)
    assert all(isinstance(r, HosoFields) for r in body["data"])
    assert [json.loads(t) for t in texts] == records
    for fields, record in zip(body["data"], records, strict=True):
        assert _judged(validate_hoso(fields, KNOWN)) == _judged(validate_hoso(record, KNOWN))


def test_a_page_with_a_record_that_is_not_an_object_is_left_to_split_page():
    assert split_page_bytes(b'{"total":2,"data":[{"MaHoSo":"X"},5]}', "data", HosoFields) is None
