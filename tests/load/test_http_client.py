"""The declarative REST client against exact fault sequences (real HTTP, stub portal)."""

from __future__ import annotations

from datetime import datetime

import pytest

from eduwh.extract.http import RetryPolicy, SourceError, SourceUnavailable, Window
from eduwh.extract.motcua import hoso_endpoint, make_client, thutuc_endpoint
from tests.load.conftest import AGENCY, NIGHT_END
from tests.load.portal_stub import PortalStub

WINDOW = Window(datetime(2019, 1, 1), NIGHT_END)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(stub, sleeps, **retry):
    policy = RetryPolicy(
        **{
            "max_attempts": 4,
            "base_backoff": 1.0,
            "max_backoff": 8.0,
            "sleep": sleeps,
            "jitter": 0.0,
            **retry,
        }
    )
    return make_client(stub.base_url, "eduwh", "stub-secret", retry=policy, timeout=(2, 0.5))


def test_429_waits_retry_after_then_succeeds(stub):
    sleeps = Sleeps()
    stub.script.append(("/api/v1/thutuc", {"status": 429, "headers": {"Retry-After": "7"}}))
    with client_for(stub, sleeps) as client:
        records = list(client.records(thutuc_endpoint(AGENCY)))
    assert len(records) == len(stub.thutuc)
    assert sleeps == [7.0]


def calls_to(stub, path):
    return sum(1 for _method, p, _query in stub.log if p == path)


def test_5xx_backs_off_exponentially_then_succeeds(stub):
    sleeps = Sleeps()
    stub.script.extend([("/api/v1/thutuc", {"status": s}) for s in (503, 502, 500)])
    with client_for(stub, sleeps) as client:
        assert len(list(client.records(thutuc_endpoint(AGENCY)))) == len(stub.thutuc)
    assert calls_to(stub, "/api/v1/thutuc") == 4  # three failures, then the answer
    assert sleeps and all(
        later > earlier for earlier, later in zip(sleeps, sleeps[1:], strict=False)
    )


def test_backoff_has_a_cap(stub):
    sleeps = Sleeps()
    stub.script.extend([("/api/v1/thutuc", {"status": 503})] * 7)
    with client_for(stub, sleeps, max_attempts=8) as client:
        assert len(list(client.records(thutuc_endpoint(AGENCY)))) == len(stub.thutuc)
    assert max(sleeps) == 8.0 and sleeps.count(8.0) > 1  # the cap (max_backoff), held


def test_backoff_has_jitter(stub):
    sleeps = Sleeps()
    stub.script.extend([("/api/v1/thutuc", {"status": 503})] * 3)
    with client_for(stub, sleeps, jitter=0.5) as client:
        list(client.records(thutuc_endpoint(AGENCY)))
    plain = Sleeps()
    stub.script.extend([("/api/v1/thutuc", {"status": 503})] * 3)
    with client_for(stub, plain) as client:
        list(client.records(thutuc_endpoint(AGENCY)))
    assert all(0 <= s - p <= 0.5 for s, p in zip(sleeps, plain, strict=True))


def test_cap_reached_raises_a_clear_error(stub):
    sleeps = Sleeps()
    stub.script.extend([("/api/v1/hoso", {"status": 503})] * 4)
    with client_for(stub, sleeps) as client, pytest.raises(SourceUnavailable) as caught:
        list(client.records(hoso_endpoint(AGENCY), window=WINDOW))
    message = str(caught.value)
    assert "hoso" in message and "page 1" in message and "HTTP 503" in message
    assert "2019-01-01" in message and "2019-12-07" in message and "4 attempts" in message
    assert calls_to(stub, "/api/v1/hoso") == 4


def test_read_timeout_and_reset_mid_body_are_retried(stub):
    sleeps = Sleeps()
    stub.script.extend(
        [
            ("/api/v1/thutuc", {"status": 200, "delay": 1.5}),
            ("/api/v1/thutuc", {"status": 200, "body": {"total": 1, "data": [{}]}, "reset": True}),
        ]
    )
    with client_for(stub, sleeps) as client:
        assert len(list(client.records(thutuc_endpoint(AGENCY)))) == len(stub.thutuc)
    assert calls_to(stub, "/api/v1/thutuc") == 3  # timed out, cut short, then the answer


def test_connection_refused_is_retried_then_fails_clearly():
    sleeps = Sleeps()
    dead = PortalStub([], [])
    base = dead.base_url
    dead._server.server_close()  # never started; nothing listens there any more

    class Dead:
        base_url = base

    with (
        client_for(Dead, sleeps) as client,
        pytest.raises(SourceUnavailable, match="gave up after 4 attempts; last: ConnectionError"),
    ):
        list(client.records(thutuc_endpoint(AGENCY)))
    assert len(sleeps) == 2  # urllib3's Retry: the first retry at once, then backing off


def test_401_gets_one_new_token_then_retries_the_call(stub):
    sleeps = Sleeps()
    with client_for(stub, sleeps) as client:
        list(client.records(thutuc_endpoint(AGENCY)))
        stub.revoke_tokens()  # the token expired
        assert len(list(client.records(thutuc_endpoint(AGENCY)))) == len(stub.thutuc)
    tokens = [p for m, p, q in stub.log if p == "/oauth2/token"]
    assert len(tokens) == 2 and sleeps == []


def test_wrong_secret_is_not_retried(stub):
    sleeps = Sleeps()
    client = make_client(
        stub.base_url, "eduwh", "wrong", retry=RetryPolicy(sleep=sleeps), timeout=(2, 2)
    )
    with client, pytest.raises(SourceError, match="token request refused"):
        list(client.records(thutuc_endpoint(AGENCY)))
    assert sleeps == []


def test_bad_request_is_not_retried(stub):
    sleeps = Sleeps()
    endpoint = thutuc_endpoint(AGENCY)
    stub.script.append(("/api/v1/thutuc", {"status": 400, "body": {"error": "bad"}}))
    with client_for(stub, sleeps) as client, pytest.raises(SourceError, match="HTTP 400"):
        list(client.records(endpoint))
    assert sleeps == []


def test_pages_are_streamed_with_window_params_in_local_time(stub):
    sleeps = Sleeps()
    with client_for(stub, sleeps) as client:
        pages = list(client.pages(hoso_endpoint(AGENCY, page_size=10), window=WINDOW))
    assert all(len(p.records) <= 10 for p in pages)
    assert sum(len(p.records) for p in pages) == pages[0].total == len(stub.visible_hoso())
    query = next(q for m, p, q in stub.log if p == "/api/v1/hoso")
    assert query["TuNgay"] == "20190101000000" and query["DenNgay"] == "20191207000000"
    assert query["MaCoQuan"] == AGENCY and query["page_size"] == "10"


def test_window_that_keeps_changing_fails_clearly(stub):
    sleeps = Sleeps()
    grow = iter(range(1000))

    def keep_changing(path, query):
        if path == "/api/v1/hoso" and query["page"] == "2":
            n = next(grow)
            stub.hoso.append({"MaHoSo": f"X{n}", "NgayCapNhat": "20191206120000"})

    stub.before_answer = keep_changing
    with (
        client_for(stub, sleeps, max_window_restarts=2) as client,
        pytest.raises(SourceError, match="kept changing"),
    ):
        list(client.pages(hoso_endpoint(AGENCY, page_size=10), window=WINDOW))
