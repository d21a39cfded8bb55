"""Defences of the gateway against hostile or broken senders: limits that run on the event loop.

- AuthGuard: authentication failures (wrong PW, unknown MN) counted per source address and per MN
  in a sliding window; past a limit the address (or the MN, for addresses that never authenticated
  as it) is blocked, with a back-off that doubles on each repeat block. Every block is a security
  event.
- ConnectionLimits: caps per address and in total, the total kept below the process's descriptor
  limit with headroom for the stores (segments, SQLite, Parquet, the registry's DB connection).

Everything here is plain dict work on the loop (no I/O) and bounded in size: the tables are pruned
when they pass `max_tracked` entries, so a flood of distinct MNs or addresses cannot grow them.
"""

from __future__ import annotations

import resource
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class GuardConfig:
    """Documented defaults (docs/gateway.md, "Defences"); all are `ecer hj212 serve` options."""

    address_failures: int = 10  # wrong PW from one address within the window → address blocked
    address_unknown_mn: int = 100  # unknown MNs from one address within the window → address blocked
    mn_failures: int = 20  # wrong PW for one MN (from untrusted addresses) within the window → MN blocked
    window_seconds: float = 300.0
    block_seconds: float = 60.0  # first block; doubles on every repeat, up to block_max_seconds
    block_max_seconds: float = 3600.0
    max_connections: int = 0  # 0 = derived from the descriptor limit
    max_connections_per_address: int = 256
    fd_headroom: int = 256  # descriptors kept free for the stores
    max_tracked: int = 100_000  # addresses / MNs remembered at most


@dataclass
class _Counter:
    times: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    blocks: int = 0

    def hit(self, now: float, window: float) -> int:
        self.times.append(now)
        while self.times and self.times[0] < now - window:
            self.times.popleft()
        return len(self.times)


@dataclass(frozen=True)
class SecurityEvent:
    kind: str  # address_blocked | mn_blocked | connection_refused
    address: str
    mn: str
    count: int  # failures that led to it (or connections refused)
    seconds: float  # block duration
    detail: str


class AuthGuard:
    def __init__(self, config: GuardConfig) -> None:
        self.config = config
        self._now = time.monotonic
        self._address: dict[str, _Counter] = {}
        self._unknown: dict[str, _Counter] = {}
        self._mn: dict[str, _Counter] = {}
        # addresses that authenticated as an MN: an MN block does not apply to them, so a guesser
        # elsewhere cannot lock the real logger out
        self._trusted: dict[str, set[str]] = {}

    def blocked(self, address: str, mn: str | None = None) -> str:
        """Why this address (for this MN) is refused now, '' if it is not."""
        now = self._now()
        counter = self._address.get(address)
        if counter is not None and counter.blocked_until > now:
            return "address_blocked"
        if mn is not None:
            counter = self._mn.get(mn)
            if counter is not None and counter.blocked_until > now and address not in self._trusted.get(mn, ()):
                return "mn_blocked"
        return ""

    def success(self, address: str, mn: str) -> None:
        trusted = self._trusted.setdefault(mn, set())
        if address not in trusted and len(trusted) < 16:
            trusted.add(address)
        if len(self._trusted) > self.config.max_tracked:
            self._trusted.clear()

    def failure(self, address: str, mn: str, reason: str) -> list[SecurityEvent]:
        """Count one failure; returns the blocks it starts (usually none)."""
        now = self._now()
        cfg = self.config
        events: list[SecurityEvent] = []
        if reason == "unknown_mn":
            table, limit = self._unknown, cfg.address_unknown_mn
        else:
            table, limit = self._address, cfg.address_failures
        counter = self._counter(table, address)
        count = counter.hit(now, cfg.window_seconds)
        if count >= limit and counter.blocked_until <= now:
            seconds = self._block(counter, now)
            self._counter(self._address, address).blocked_until = now + seconds  # block the address itself
            events.append(SecurityEvent("address_blocked", address, mn, count, seconds,
                                        f"{count} {reason} failure(s) within {cfg.window_seconds:g} s"))
        if reason != "unknown_mn" and address not in self._trusted.get(mn, ()):
            mn_counter = self._counter(self._mn, mn)
            mn_count = mn_counter.hit(now, cfg.window_seconds)
            if mn_count >= cfg.mn_failures and mn_counter.blocked_until <= now:
                seconds = self._block(mn_counter, now)
                events.append(SecurityEvent("mn_blocked", address, mn, mn_count, seconds,
                                            f"{mn_count} wrong password(s) for this MN within "
                                            f"{cfg.window_seconds:g} s; trusted addresses still accepted"))
        return events

    def _block(self, counter: _Counter, now: float) -> float:
        counter.blocks += 1
        seconds = min(self.config.block_seconds * 2 ** (counter.blocks - 1), self.config.block_max_seconds)
        counter.blocked_until = now + seconds
        counter.times.clear()
        return seconds

    def _counter(self, table: dict[str, _Counter], key: str) -> _Counter:
        counter = table.get(key)
        if counter is None:
            if len(table) >= self.config.max_tracked:
                self._prune(table)
            counter = table[key] = _Counter()
        return counter

    def _prune(self, table: dict[str, _Counter]) -> None:
        now = self._now()
        for key in [k for k, c in table.items() if c.blocked_until <= now]:
            del table[key]
        if len(table) >= self.config.max_tracked:  # all blocked: forget the oldest half
            for key in list(table)[: len(table) // 2]:
                del table[key]


def descriptor_limit() -> int:
    """Raise the soft RLIMIT_NOFILE to the hard limit (where allowed) and return the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def connection_cap(config: GuardConfig, fd_limit: int) -> int:
    """Total connections allowed: the configured cap, never closer than `fd_headroom` to the limit."""
    ceiling = max(1, fd_limit - config.fd_headroom)
    return min(config.max_connections, ceiling) if config.max_connections > 0 else ceiling


class ConnectionLimits:
    def __init__(self, config: GuardConfig, total: int) -> None:
        self.total = total
        self.per_address = config.max_connections_per_address
        self.open_by_address: dict[str, int] = {}
        self.open = 0
        self.refused = 0

    def admit(self, address: str) -> str:
        """'' and count the connection in, or the reason it is refused."""
        if self.open >= self.total:
            self.refused += 1
            return "total_cap"
        if self.open_by_address.get(address, 0) >= self.per_address:
            self.refused += 1
            return "address_cap"
        self.open += 1
        self.open_by_address[address] = self.open_by_address.get(address, 0) + 1
        return ""

    def release(self, address: str) -> None:
        self.open -= 1
        left = self.open_by_address.get(address, 1) - 1
        if left > 0:
            self.open_by_address[address] = left
        else:
            self.open_by_address.pop(address, None)
