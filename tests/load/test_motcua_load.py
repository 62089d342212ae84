"""The night's extract-load against the stub portal: completeness, idempotence, atomicity."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from eduwh import warehouse
from eduwh.extract.motcua import VN_TZ
from eduwh.land import copy as load_copy
from eduwh.land.motcua import extract_load
from tests.load.conftest import NIGHT_END


def rows(settings, query, params=()):
    with warehouse.connect(settings) as conn:
        return conn.execute(query, params).fetchall()


def raw_pairs(settings) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in rows(
            settings, "select record->>'MaHoSo', record->>'NgayCapNhat' from raw.motcua__hoso"
        )
    ]


def latest(pairs) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, changed in pairs:
        out[code] = max(out.get(code, changed), changed)
    return out


def expected_valid(stub, bad) -> set[tuple[str, str]]:
    return {
        (r["MaHoSo"], r["NgayCapNhat"])
        for r in stub.visible_hoso()
        if r.get("MaHoSo") and r["MaHoSo"] not in bad
    }


def check_ledger_adds_up(settings):
    for reported, landed, quarantined, _status in rows(
        settings,
        "select rows_reported, rows_landed, rows_quarantined, status"
        " from meta.batch where status = 'succeeded'",
    ):
        assert landed + quarantined == reported


def test_full_load_lands_every_valid_version_and_quarantines_the_rest(
    stub_settings, stub, portal_data
):
    catalogue, _, bad = portal_data
    summary = extract_load(stub_settings, NIGHT_END, run_id="night-1")

    assert summary["thutuc"]["landed"] == len(catalogue)
    hoso = summary["hoso"]
    visible = stub.visible_hoso()
    assert hoso["reported"] == len(visible)
    assert hoso["landed"] + hoso["quarantined"] == hoso["reported"]
    pairs = raw_pairs(stub_settings)
    assert len(pairs) == len(set(pairs)) == hoso["landed"]
    assert set(pairs) == expected_valid(stub, bad)

    reasons = dict(
        rows(
            stub_settings,
            "select reason, count(*) from meta.quarantine where entity = 'hoso' group by reason",
        )
    )
    assert reasons == dict(Counter(bad.values()))
    detail = rows(
        stub_settings, "select detail from meta.quarantine where reason = 'unparsable_date' limit 1"
    )[0][0]
    assert detail == "NgayTiepNhan='31/02/2019 25:00:00'"

    batches = rows(
        stub_settings,
        "select entity, status, run_id, window_start, window_end from meta.batch order by batch_id",
    )
    assert [(b[0], b[1], b[2]) for b in batches] == [
        ("thutuc", "succeeded", "night-1"),
        ("hoso", "succeeded", "night-1"),
    ]
    assert batches[1][3] == datetime(2019, 1, 1, tzinfo=VN_TZ)
    assert batches[1][4] == NIGHT_END.replace(tzinfo=VN_TZ)
    check_ledger_adds_up(stub_settings)
    ((high_water,),) = rows(
        stub_settings,
        "select high_water from meta.watermark where source = 'motcua' and entity = 'hoso'",
    )
    assert high_water == NIGHT_END.replace(tzinfo=VN_TZ)

    # source order kept: record_no increases with (NgayCapNhat, MaHoSo) inside the batch
    ordered = rows(
        stub_settings,
        "select record->>'NgayCapNhat', record->>'MaHoSo' from raw.motcua__hoso order by record_no",
    )
    assert ordered == sorted(ordered)
    # the record is kept as received (NFD names included)
    names = {r[0] for r in rows(stub_settings, "select record->>'ChuHoSo' from raw.motcua__hoso")}
    assert "Nguye\u0302\u0303n Văn A" in names
    # the transformer role can read what the loader created
    with warehouse.connect(stub_settings, role="eduwh_transformer") as conn:
        assert conn.execute("select count(*) from raw.motcua__hoso").fetchone()[0] == len(pairs)


def state(settings):
    return (
        raw_pairs(settings),
        rows(settings, "select count(*) from raw.motcua__thutuc"),
        rows(settings, "select count(*) from meta.quarantine"),
    )


def test_same_night_three_times_adds_nothing(stub_settings, stub):
    first = extract_load(stub_settings, NIGHT_END)
    before = state(stub_settings)
    for _ in range(2):
        again = extract_load(stub_settings, NIGHT_END)
        assert again["hoso"]["status"] == "up_to_date"
        assert again["thutuc"] == {
            "status": "already_landed",
            "batch_id": first["thutuc"]["batch_id"],
            "procedures": first["thutuc"]["procedures"],
        }
    after = state(stub_settings)
    assert after == before
    assert rows(stub_settings, "select count(*) from meta.batch")[0][0] == 2


def test_full_refresh_requarantines_nothing_twice(stub_settings, stub, portal_data):
    extract_load(stub_settings, NIGHT_END)
    summary = extract_load(stub_settings, NIGHT_END, full_refresh=True)
    assert summary["hoso"]["quarantined"] == len(portal_data[2])  # counted in the batch
    assert rows(stub_settings, "select count(*) from meta.quarantine where entity = 'hoso'")[0][
        0
    ] == len(portal_data[2])  # kept once
    check_ledger_adds_up(stub_settings)


def test_replayed_nights_give_the_one_shot_latest_versions(stub_settings, stub, portal_data):
    _, _, bad = portal_data
    nights = [datetime(2019, 11, 27) + timedelta(days=d) for d in range(11)]
    for night_end in nights:
        stub.clock = night_end - timedelta(seconds=1)
        summary = extract_load(stub_settings, night_end)
        assert (
            summary["hoso"]["landed"] + summary["hoso"]["quarantined"]
            == summary["hoso"]["reported"]
        )
    pairs = raw_pairs(stub_settings)
    assert len(pairs) == len(set(pairs))  # nothing twice across nights
    windows = rows(
        stub_settings,
        "select window_start, window_end from meta.batch where entity = 'hoso' order by batch_id",
    )
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))  # no gap
    stub.clock = NIGHT_END - timedelta(seconds=1)
    assert latest(pairs) == latest(expected_valid(stub, bad))
    check_ledger_adds_up(stub_settings)


def test_batch_killed_mid_copy_leaves_nothing_and_rerun_is_exact(
    stub_settings, stub, portal_data, monkeypatch
):
    _, _, bad = portal_data
    real_write = load_copy.RawCopy.write

    def dying_write(self, record_no, record):
        if self._statement.as_string().find("hoso") >= 0 and self.rows == 20:
            raise RuntimeError("killed in the middle of the COPY")
        real_write(self, record_no, record)

    monkeypatch.setattr(load_copy.RawCopy, "write", dying_write)
    with pytest.raises(RuntimeError, match="killed"):
        extract_load(stub_settings, NIGHT_END)
    status, error = rows(
        stub_settings, "select status, error from meta.batch where entity = 'hoso'"
    )[0]
    assert status == "failed" and "killed in the middle" in error
    assert rows(stub_settings, "select count(*) from raw.motcua__hoso")[0][0] == 0
    assert rows(stub_settings, "select count(*) from meta.quarantine")[0][0] == 0
    assert rows(stub_settings, "select count(*) from meta.watermark")[0][0] == 0

    monkeypatch.setattr(load_copy.RawCopy, "write", real_write)
    summary = extract_load(stub_settings, NIGHT_END)
    assert set(raw_pairs(stub_settings)) == expected_valid(stub, bad)
    assert len(raw_pairs(stub_settings)) == summary["hoso"]["landed"]
    check_ledger_adds_up(stub_settings)


def test_stale_running_batch_is_abandoned_at_next_start(stub_settings, stub):
    extract_load(stub_settings, NIGHT_END - timedelta(days=1))
    with warehouse.connect(stub_settings, role="eduwh_loader") as conn:  # a killed process
        conn.execute(
            "insert into meta.batch (source, entity, status) values ('motcua', 'hoso', 'running')"
        )
    summary = extract_load(stub_settings, NIGHT_END)
    assert len(summary["abandoned"]) == 1
    assert rows(
        stub_settings,
        "select status from meta.batch where batch_id = %s",
        (summary["abandoned"][0],),
    ) == [("abandoned",)]


def test_window_changing_while_read_is_read_again(stub_settings, stub, portal_data):
    _, versions, bad = portal_data
    target = next(v for v in versions if v.get("MaHoSo") and v["MaHoSo"] not in bad)
    changed = {"done": False}

    def change_once(path, query):
        if path == "/api/v1/hoso" and query.get("page") == "3" and not changed["done"]:
            changed["done"] = True  # a dossier changes inside the window while pages are read
            versions.append(
                dict(
                    target,
                    TrangThaiHoSo="9",
                    NgayCapNhat="20191206235900",
                    MaHoSo=target["MaHoSo"] + "-NEW",
                )
            )

    stub.before_answer = change_once
    summary = extract_load(stub_settings, NIGHT_END)
    assert changed["done"]
    pages_one = [q for m, p, q in stub.log if p == "/api/v1/hoso" and q.get("page") == "1"]
    assert len(pages_one) == 2  # read again from page 1
    assert set(raw_pairs(stub_settings)) == expected_valid(stub, bad)
    assert summary["hoso"]["reported"] == len(stub.visible_hoso())
    check_ledger_adds_up(stub_settings)


def test_faulty_night_gives_the_same_raw_content(stub_settings, stub, portal_data):
    _, _, bad = portal_data
    stub.script.extend(
        [
            ("/oauth2/token", {"status": 503}),
            ("/api/v1/thutuc", {"status": 429, "headers": {"Retry-After": "0"}}),
            ("/api/v1/hoso", {"status": 502}),
            (
                "/api/v1/hoso",
                {"status": 200, "body": {"page": 1, "total": 3, "data": [1, 2, 3]}, "reset": True},
            ),
            ("/api/v1/hoso", {"status": 401, "body": {"error": "invalid_token"}}),
            ("/api/v1/hoso", {"status": 504}),
        ]
    )
    summary = extract_load(stub_settings, NIGHT_END)
    assert not stub.script
    assert set(raw_pairs(stub_settings)) == expected_valid(stub, bad)
    assert summary["hoso"]["landed"] == len(expected_valid(stub, bad))
