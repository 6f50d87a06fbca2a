"""One NCBI rate limit shared by every worker process on every machine.

NCBI counts requests per API key (per IP without one) across all processes:
3 requests/s without a key, 10 with one, and answers 429 above that. Celery's
``rate_limit`` is per worker, so the limit lives here instead.

Both limiters hand out start times spaced ``(period + margin) / rate`` apart
(a generic cell rate algorithm with no burst): ``acquire()`` reserves the next
free slot in one atomic step and sleeps exactly until it. There is no polling
and waiting callers are served in arrival order. Spacing the requests evenly,
rather than allowing a burst of ``rate`` at once, keeps them apart when they
reach NCBI; the small ``margin`` absorbs the jitter between a slot and the
moment the request arrives (sleep overshoot, scheduling, network), so no
``period`` window seen by the server holds more than ``rate`` requests.

- ``RedisRateLimiter``: one Redis key per API key (a hash of it, never the key
  itself), updated by a Lua script that reads Redis's own clock, so machines
  need not agree on the time.
- ``LocalRateLimiter``: the same in one process, for a single worker without
  Redis (``make run``).
"""

import functools
import hashlib
import threading
import time

import redis

DEFAULT_RATE = 3
DEFAULT_RATE_WITH_KEY = 10
DEFAULT_MARGIN = 0.05
KEY_PREFIX = "ncbi-eutils:rate:"

# KEYS[1] holds the next free slot (microseconds, Redis clock). Reserve it, move
# it one interval on and return how long the caller must wait for its slot.
# Values are formatted with %.0f because Lua would write 16-digit numbers in
# %.14g and lose the microseconds.
RESERVE_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = tonumber(redis.call('GET', KEYS[1])) or now
if slot < now then slot = now end
local following = slot + tonumber(ARGV[1])
local ttl = math.ceil((following - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', following), 'PX', ttl)
return slot - now
"""


def allowed_rate(api_key=None, rate=None):
    """Requests per second NCBI allows: `rate` when set, else 3, or 10 with an API key."""
    if rate:
        return rate
    return DEFAULT_RATE_WITH_KEY if api_key else DEFAULT_RATE


def spacing(rate, period=1.0, margin=DEFAULT_MARGIN):
    """Seconds between two request starts for at most `rate` requests per `period`."""
    if rate <= 0 or period <= 0 or margin < 0:
        raise ValueError("rate and period must be positive and margin not negative")
    return (period + margin) / rate


class LocalRateLimiter:
    """At most `rate` requests per `period` among the threads of one process."""

    def __init__(
        self, rate, period=1.0, *, margin=DEFAULT_MARGIN, clock=time.monotonic, sleep=time.sleep
    ):
        self.rate = rate
        self.interval = spacing(rate, period, margin)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")

    def acquire(self):
        """Block until this caller may start a request; return the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait


class RedisRateLimiter:
    """At most `rate` requests per `period` among every process using the same Redis key.

    `connection` is a Redis URL or a ``redis.Redis`` client; `name` tells limits
    apart (see ``limit_name``). Redis errors propagate: without the shared limit
    a worker must not send at all.
    """

    def __init__(
        self,
        connection,
        name,
        rate,
        period=1.0,
        *,
        margin=DEFAULT_MARGIN,
        prefix=KEY_PREFIX,
        sleep=time.sleep,
    ):
        if isinstance(connection, str):
            connection = redis.Redis.from_url(connection)
        self.rate = rate
        self.interval = spacing(rate, period, margin)
        self.key = f"{prefix}{name}"
        self._reserve = connection.register_script(RESERVE_SLOT)
        self._sleep = sleep

    def acquire(self):
        """Block until this caller may start a request; return the seconds waited."""
        interval_us = round(self.interval * 1_000_000)
        wait = int(self._reserve(keys=[self.key], args=[interval_us])) / 1_000_000
        if wait > 0:
            self._sleep(wait)
        return wait


def limit_name(api_key):
    """The Redis key's name for an API key: a hash, so the key is never stored in clear."""
    if not api_key:
        return "no-key"
    return "key-" + hashlib.sha256(api_key.encode()).hexdigest()[:16]


@functools.cache
def shared_rate_limiter(*, api_key=None, redis_url="", rate=None):
    """The limiter every client of this process should use for `api_key`.

    With a Redis URL the limit is shared by all processes; without one it is
    shared only by the threads of this process, which is right for a single
    worker process and nothing more. The same arguments return the same object.
    """
    rate = allowed_rate(api_key, rate)
    if redis_url:
        return RedisRateLimiter(redis_url, limit_name(api_key), rate)
    return LocalRateLimiter(rate)
