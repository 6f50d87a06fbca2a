"""Anonymous callers of the API, counted per address in one Redis round trip.

DRF's AnonRateThrottle keeps a list of the times of a caller's requests in the
cache, read and written back on every request: two round trips, a list that
grows with the rate, and two requests at once can both read the old list and
lose a count. With the Redis cache (curation.redis_cache), one Lua script
instead counts in a sliding window made of two fixed ones, as Cloudflare and
others do: the requests of this window, plus those of the previous window
weighted by how much of it still lies within the last `duration` seconds. A
plain fixed window would let a caller send twice the rate across a window's
edge; the weighted estimate assumes only that the previous window's requests
were spread evenly. The script counts a request only when it is let through
(as DRF does) and keeps two integers per caller, each for two windows.

The script runs on a connection of the thread's own rather than through the
client: redis-py's per-command bookkeeping (a lease from the pool, metrics)
costs some 35 us, a third of the round trip itself, on every API request.

With another cache (the local-memory one of a laptop) DRF's own counting runs.
While Redis is unreachable every request is let through, as a cache miss
would have done, never turned into a 5xx; the outage is logged.
"""

import hashlib
import logging
import math
import os
import threading

from django.core.cache import caches
from redis.exceptions import NoScriptError, RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)

# KEYS: this window's count, the previous window's. ARGV: the limit, the window in seconds,
# the part of this window gone by (0 to 1). Returns {1 if let through, this count, previous}.
COUNT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (1 - tonumber(ARGV[3])) + current + 1 > tonumber(ARGV[1]) then
    return {0, current, previous}
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], math.ceil(2 * tonumber(ARGV[2])))
return {1, current + 1, previous}
"""
COUNT_SHA = hashlib.sha1(COUNT.encode()).hexdigest()


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous callers, counted per address (REST_FRAMEWORK's NUM_PROXIES says which one).

    Callers with credentials are accountable and are not throttled here.
    """

    def get_rate(self):
        # Read on each request, not at import, so that overridden settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        backend = caches["default"]
        if self.rate is None or not hasattr(backend, "redis"):
            return super().allow_request(request, view)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window, gone = divmod(now / self.duration, 1)
        keys = [backend.make_key(f"{key}:{int(window) - n}") for n in (0, 1)]
        connection = own_connection(backend)
        arguments = (self.num_requests, self.duration, gone)
        try:
            allowed, current, previous = count(connection, *keys, *arguments)
        except RedisError as error:
            connection.disconnect()  # the next request connects again
            logger.warning("API request let through unthrottled: Redis failed (%s)", error)
            return True
        if allowed:
            return True
        self.windows_to_wait = waiting(self.num_requests, current, previous, gone)
        return False

    def wait(self):
        if not hasattr(self, "windows_to_wait"):
            return super().wait()
        return (
            None
            if self.windows_to_wait is None
            else math.ceil(self.windows_to_wait * self.duration)
        )


def count(connection, *keys_and_arguments):
    """Run COUNT: one round trip, and one more the first time a Redis server sees it."""
    try:
        connection.send_command("EVALSHA", COUNT_SHA, 2, *keys_and_arguments)
        return connection.read_response()
    except NoScriptError:
        connection.send_command("EVAL", COUNT, 2, *keys_and_arguments)
        return connection.read_response()


_own = threading.local()


def own_connection(backend):
    """This thread's connection to the Redis of `backend` (a curation.redis_cache.RedisCache)."""
    pool = backend.redis(write=True).connection_pool
    if getattr(_own, "pool", None) is not pool or _own.pid != os.getpid():
        # Made anew in a forked process too: the parent's socket is not the child's to use.
        if old := getattr(_own, "connection", None):
            old.disconnect()  # closes the socket only in the process that opened it
        _own.pool, _own.pid = pool, os.getpid()
        _own.connection = pool.connection_class(**pool.connection_kwargs)
    return _own.connection


def waiting(limit, current, previous, gone):
    """How many windows until one more request fits if no other comes meanwhile (None: never)."""
    if limit < 1:
        return None
    if current + 1 <= limit:  # in this window, once enough of the previous one lies behind
        return 1 - (limit - 1 - current) / previous - gone
    # In the next window, where this one's count is the previous one.
    return 1 - gone + 1 - (limit - 1) / current
