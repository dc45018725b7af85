"""Slow down whoever keeps presenting wrong keys.

Keys are long random secrets, so guessing one is hopeless; still, a client
that fails again and again (a script with an old key in a loop, or someone
trying) is told to wait: after ``limit`` wrong keys within ``window``
seconds from one address, that address gets 429 with ``Retry-After`` until
the oldest failure leaves the window. A right key is never refused because
of others' failures elsewhere, and a success does not wipe the count (so a
valid viewer key cannot be used to reset guessing). The count lives in the
process: with ``serve --workers N`` each worker counts on its own, which
multiplies the allowance by N, no more.

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

__all__ = ["FailedKeys"]


class FailedKeys:
    """Wrong keys per client address in a sliding window."""

    def __init__(self, limit: int = 10, window: float = 300.0, max_clients: int = 10_000) -> None:
        self.limit, self.window, self.max_clients = limit, window, max_clients
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
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[0] + self.window - now))

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
