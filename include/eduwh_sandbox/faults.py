"""Seeded, repeatable faults of the sandbox's stand-ins (``--faults NAME``).

Every decision is drawn from ``random.Random(f"{profile}:{source}:{kind}:{n}")`` where
``n`` counts the calls of that kind (1-based) since the server started. The same
sequence of calls therefore meets the same faults on every run, whatever the wall
clock. Faults only change how data is delivered, never the data: a client that
retries correctly ends with exactly what the ``none`` profile gives.

Profiles
========

``none``
    Nothing is injected.

``bad-night`` — the night-time behaviour of contracts/motcua.md, per *data call*
(every ``GET`` but the token endpoint: listings such as ``/api/v1/hoso``, e-Office's
package downloads, csdl.moet's listing and file downloads), at the rates of the
source's row of ``RATES`` (a few percent of calls; the one-stop portal, whose night is
a few dozen listing calls, meets more so that every kind shows up in its first calls),
in this order:

1. Token revoked: on data calls number ``revoke_first``, then every ``revoke_every``-th
   (the portal: 25, 65, 105, ...; e-Office: 25, then once every 2,500 calls — one
   expired token mid-run of a full night) every token issued so far is revoked and that
   call answers ``401`` (``{"error": "invalid_token"}``). A new token from
   ``/oauth2/token`` works. (csdl.moet has API keys, no tokens: it answers ``503``.)
2. Otherwise with ``r = rng.random()`` and the source's shares ``p429``, ``p5xx``,
   ``preset``, ``pdelay`` (cumulative, in this order):

   - ``429`` with header ``Retry-After: 1`` (before authentication; never more than
     1 s in the sandbox);
   - ``500``, ``502`` or ``503`` (JSON error body);
   - connection reset mid-body: the status line, the headers (with the full
     ``Content-Length``) and the first third of the body are sent, then the socket is
     closed abruptly (``SO_LINGER`` 0: TCP RST);
   - the normal answer after a delay drawn from ``delay`` (seconds);
   - otherwise the normal answer.

   The portal: 10 % / 5 % / 3 % / 10 %, delays 0.2-1.0 s. e-Office and csdl.moet
   (thousands of downloads a night): 0.25 % / 1 % / 0.75 % / 1 %, delays 0.05-0.25 s —
   about 3 % of calls faulted, so a full bad night of e-Office (~7,500 calls) waits
   about 20 s on ``Retry-After`` and 10 s on delays, not a quarter of an hour.

3. A listing window that changes while it is paged (hoso only), once per server run:
   the first time page 1 of a multi-page window (``total > page_size``) is served
   normally, the window is armed; the next two answers for that same window
   (same ``MaCoQuan``, ``TuNgay``, ``DenNgay``, ``page_size``; any page) are computed
   with the window's first row hidden, so ``total`` is one less and every later row
   moves up by one (a client that just asks for page 2 silently skips a row). After
   those two answers the window is whole again. A client must notice that ``total``
   changed between pages and read the window again.

Token endpoint (``POST /oauth2/token``): call ``n`` answers ``503`` when
``rng.random() < 0.15`` — but never twice in a row (the call after a faulted one is
always served).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any

PROFILES = ("none", "bad-night")

REVOKE_FIRST, REVOKE_EVERY = 25, 40
P_429, P_5XX, P_RESET, P_DELAY = 0.10, 0.05, 0.03, 0.10
P_TOKEN_503 = 0.15
SHIFT_ANSWERS = 2
RETRY_AFTER = 1.0  # the Retry-After the stand-ins send with a 429 (seconds)


@dataclass(frozen=True)
class Rates:
    """One source's bad night (see the module doc): shares of data calls, delays."""

    p429: float
    p5xx: float
    preset: float
    pdelay: float
    delay: tuple[float, float]
    revoke_first: int = REVOKE_FIRST
    revoke_every: int = REVOKE_EVERY

    @property
    def faulted(self) -> float:
        """The share of data calls answered with a fault or a delay (revocations aside)."""
        return self.p429 + self.p5xx + self.preset + self.pdelay


PORTAL = Rates(P_429, P_5XX, P_RESET, P_DELAY, (0.2, 1.0))
BULK = Rates(0.0025, 0.01, 0.0075, 0.01, (0.05, 0.25), revoke_every=2500)
RATES = {"motcua": PORTAL, "eoffice": BULK, "csdl_moet": BULK}


@dataclass(frozen=True)
class Decision:
    kind: str = "none"  # none | revoke | 429 | 5xx | reset | delay | token_503
    status: int | None = None
    delay: float = 0.0
    call: int = 0


class FaultInjector:
    def __init__(self, profile: str = "none", source: str = "motcua"):
        if profile not in PROFILES:
            raise ValueError(f"unknown faults profile {profile!r}; known: {', '.join(PROFILES)}")
        self.profile = profile
        self.source = source
        self.rates = RATES.get(source, BULK)
        self.injected: dict[str, int] = {}  # decision kind -> how many (tests, logs)
        self.waits = 0.0  # seconds the faults make a client wait (delays, Retry-After)
        self._lock = threading.Lock()
        self.data_calls = 0
        self.token_calls = 0
        self._last_token_faulted = False
        self._shift_key: Any = None
        self._shift_left = 0
        self._shift_done = False
        self.log: list[tuple[str, int, str]] = []  # (kind of call, n, decision)

    @property
    def active(self) -> bool:
        return self.profile != "none"

    def _rng(self, kind: str, n: int) -> random.Random:
        return random.Random(f"{self.profile}:{self.source}:{kind}:{n}")

    def on_token_call(self) -> Decision:
        with self._lock:
            self.token_calls += 1
            n = self.token_calls
            if not self.active:
                return Decision(call=n)
            r = self._rng("token", n).random()
            if r < P_TOKEN_503 and not self._last_token_faulted:
                self._last_token_faulted = True
                d = Decision("token_503", 503, call=n)
                self.injected["token_503"] = self.injected.get("token_503", 0) + 1
            else:
                self._last_token_faulted = False
                d = Decision(call=n)
            self.log.append(("token", n, d.kind))
            return d

    def on_data_call(self) -> Decision:
        with self._lock:
            self.data_calls += 1
            n = self.data_calls
            if not self.active:
                return Decision(call=n)
            rates = self.rates
            rng = self._rng("data", n)
            r = rng.random()
            if n >= rates.revoke_first and (n - rates.revoke_first) % rates.revoke_every == 0:
                d = Decision("revoke", 401, call=n)
            elif r < rates.p429:
                d = Decision("429", 429, call=n)
            elif r < rates.p429 + rates.p5xx:
                d = Decision("5xx", rng.choice((500, 502, 503)), call=n)
            elif r < rates.p429 + rates.p5xx + rates.preset:
                d = Decision("reset", call=n)
            elif r < rates.faulted:
                d = Decision("delay", delay=round(rng.uniform(*rates.delay), 3), call=n)
            else:
                d = Decision(call=n)
            self.log.append(("data", n, d.kind))
            if d.kind != "none":
                self.injected[d.kind] = self.injected.get(d.kind, 0) + 1
                self.waits += RETRY_AFTER if d.kind == "429" else d.delay
            return d

    def window_shift(self, key: Any, page: int, total: int, page_size: int) -> bool:
        """True when this answer must hide the window's first row (see docstring, 3)."""
        if not self.active:
            return False
        with self._lock:
            if self._shift_key == key and self._shift_left > 0:
                self._shift_left -= 1
                self.log.append(("shift", self._shift_left, "hidden_row"))
                return True
            if not self._shift_done and page == 1 and total > page_size:
                self._shift_key, self._shift_left, self._shift_done = key, SHIFT_ANSWERS, True
            return False
