"""Slow down whoever keeps presenting wrong keys.

Keys are long random secrets, so guessing one is hopeless; still, a client
that fails again and again (a script with an old key in a loop, or someone
trying) is told to wait: after ``limit`` wrong keys within ``window``
seconds from one address, that address gets 429 with ``Retry-After`` until
the oldest failure leaves the window. A right key is never refused because
of others' failures elsewhere, and a success does not wipe the count (so a
valid viewer key cannot be used to reset guessing). The count is kept in the
process and, given a ``shared`` record (the API's key file,
:class:`api.auth.KeyStore`), in that file too, so every worker of
``serve --workers N`` and every replica on the same key file counts the same
wrong keys: ten wrong keys spread over four workers are ten, not four times
ten allowed. A process stops writing to the file once it refuses a client
itself, so a flood of wrong keys costs the file ``limit`` writes per window.

>>> t = FailedKeys(limit=2, window=60.0)
>>> t.fail("1.2.3.4", now=0.0); t.fail("1.2.3.4", now=1.0)
>>> t.wait("1.2.3.4", now=2.0), t.wait("5.6.7.8", now=2.0)
(58, 0)
>>> t.wait("1.2.3.4", now=61.0)
0
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Protocol

__all__ = ["FailedKeys", "SharedFailures"]


class SharedFailures(Protocol):
    """Where processes that share a key file record wrong keys (Unix seconds)."""

    def failures(self, client: str, since: float, limit: int) -> list[float]: ...

    def add_failure(self, client: str, at: float, forget_before: float) -> None: ...


class FailedKeys:
    """Wrong keys per client address in a sliding window."""

    def __init__(
        self,
        limit: int = 10,
        window: float = 300.0,
        max_clients: int = 10_000,
        shared: SharedFailures | None = None,
    ) -> None:
        self.limit, self.window, self.max_clients = limit, window, max_clients
        self.shared = shared
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.get(client)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._seen[client]
        return times

    def wait(self, client: str, now: float | None = None) -> int:
        """Seconds ``client`` must wait before its next try (0: go ahead)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(client, now)
            if len(times) >= self.limit:
                return max(1, math.ceil(times[0] + self.window - now))
        return self._shared_wait(client)

    def _shared_wait(self, client: str) -> int:
        """The wait the shared record asks for (other processes' wrong keys counted)."""
        if self.shared is None:
            return 0
        wall = time.time()
        times = self.shared.failures(client, wall - self.window, self.limit)
        if len(times) < self.limit:
            return 0
        return max(1, math.ceil(times[0] + self.window - wall))

    def fail(self, client: str, now: float | None = None) -> None:
        """Count one wrong key from ``client``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if client not in self._seen and len(self._seen) >= self.max_clients:
                # Many addresses at once: forget the quietest rather than grow without end.
                oldest = min(self._seen, key=lambda c: self._seen[c][-1])
                del self._seen[oldest]
            times = self._seen.setdefault(client, deque())
            times.append(now)
            while len(times) > self.limit:
                times.popleft()
        if self.shared is not None:
            wall = time.time()
            self.shared.add_failure(client, wall, wall - self.window)
