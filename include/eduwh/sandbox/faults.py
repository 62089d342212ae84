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
(``GET`` of a listing such as ``/api/v1/thutuc`` or ``/api/v1/hoso``), in this order:

1. Token revoked: on data calls number 25, 65, 105, ... (every 40th from the 25th)
   every token issued so far is revoked and that call answers ``401``
   (``{"error": "invalid_token"}``). A new token from ``/oauth2/token`` works.
2. Otherwise with ``r = rng.random()``:

   - ``r < 0.10``: ``429`` with header ``Retry-After: 1`` (before authentication);
   - ``0.10 <= r < 0.15``: ``500``, ``502`` or ``503`` (JSON error body);
   - ``0.15 <= r < 0.18``: connection reset mid-body: the status line, the headers
     (with the full ``Content-Length``) and the first third of the body are sent,
     then the socket is closed abruptly (``SO_LINGER`` 0: TCP RST);
   - ``0.18 <= r < 0.28``: the normal answer after a delay of 0.2-1.0 s;
   - otherwise the normal answer.

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
            rng = self._rng("data", n)
            r = rng.random()
            if n >= REVOKE_FIRST and (n - REVOKE_FIRST) % REVOKE_EVERY == 0:
                d = Decision("revoke", 401, call=n)
            elif r < P_429:
                d = Decision("429", 429, call=n)
            elif r < P_429 + P_5XX:
                d = Decision("5xx", rng.choice((500, 502, 503)), call=n)
            elif r < P_429 + P_5XX + P_RESET:
                d = Decision("reset", call=n)
            elif r < P_429 + P_5XX + P_RESET + P_DELAY:
                d = Decision("delay", delay=round(rng.uniform(0.2, 1.0), 3), call=n)
            else:
                d = Decision(call=n)
            self.log.append(("data", n, d.kind))
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
