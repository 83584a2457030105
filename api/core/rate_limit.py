"""Sign-in attempts per user name and address, counted by the ``limits`` library.

Two moving windows: attempts at one user name from one address (guessing one password), and all
attempts from one address (trying many names). Counts are kept in the API process's memory: a
restart forgets them, and with several API processes each counts its own share.
"""

from __future__ import annotations

import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

#: Attempts at one user name from one address.
PER_USER = "10/minute"
#: Attempts from one address, whatever the names.
PER_ADDRESS = "60/minute"


class SignInLimiter:
    """Counts sign-in attempts; :meth:`hit` says how long to wait when one is over its limit."""

    def __init__(self, *, per_user: str = PER_USER, per_address: str = PER_ADDRESS) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_user: RateLimitItem = parse(per_user)
        self._per_address: RateLimitItem = parse(per_address)

    def hit(self, address: str, username: str) -> int | None:
        """Count one attempt; ``None`` if it is allowed, else the seconds until it would be."""
        checks = ((self._per_user, ("user", address, username)), (self._per_address, (address,)))
        for item, key in checks:
            if not self._limiter.hit(item, "sign-in", *key):
                reset = self._limiter.get_window_stats(item, "sign-in", *key).reset_time
                return max(1, round(reset - time.time()))
        return None
