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

With another cache (the local-memory one of a laptop) DRF's own counting runs.
While Redis is unreachable every request is let through, as a cache miss
would have done, never turned into a 5xx; the outage is logged.
"""

import logging
import math

from django.core.cache import caches
from redis.exceptions import RedisError
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


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous callers, counted per address (REST_FRAMEWORK's NUM_PROXIES says which one).

    Callers with credentials are accountable and are not throttled here.
    """

    script = None  # COUNT, registered with Redis on first use (EVALSHA afterwards)

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
        keys = [backend.make_and_validate_key(f"{key}:{int(window) - n}") for n in (0, 1)]
        client = backend.redis(write=True)
        if AnonymousThrottle.script is None:
            AnonymousThrottle.script = client.register_script(COUNT)
        try:
            allowed, current, previous = self.script(
                keys=keys, args=[self.num_requests, self.duration, gone], client=client
            )
        except RedisError as error:
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


def waiting(limit, current, previous, gone):
    """How many windows until one more request fits if no other comes meanwhile (None: never)."""
    if limit < 1:
        return None
    if current + 1 <= limit:  # in this window, once enough of the previous one lies behind
        return 1 - (limit - 1 - current) / previous - gone
    # In the next window, where this one's count is the previous one.
    return 1 - gone + 1 - (limit - 1) / current
