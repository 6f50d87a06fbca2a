"""Django's Redis cache backend, with two changes.

- One Redis client per connection pool, reused. Django's client builds a new
  ``redis.Redis`` for every cache call, and building one fills a table of some
  170 response callbacks: on a cached gene page that was a third of the
  request's time. A ``redis.Redis`` is safe to share between threads (each
  command borrows a connection from the pool).
- While Redis is unreachable every read misses and every write is skipped
  (and logged), so pages are rendered from the database instead of failing;
  /healthz still reports the cache as down. A stamp bump skipped this way is
  harmless when Redis restarts empty; after a mere network split, a page may be
  up to curation.cache.PAGE_SECONDS stale.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (ConnectionError, TimeoutError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


def _degrade(method, fallback):
    @functools.wraps(method)
    def degraded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache %s skipped: Redis is unreachable (%s)", method.__name__, error)
            return fallback(*args, **kwargs)

    return degraded


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def redis(self, write=False):
        """The redis-py client, for what the cache API lacks (scripts, pub/sub)."""
        return self._cache.get_client(write=write)

    get = _degrade(DjangoRedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(DjangoRedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _degrade(DjangoRedisCache.has_key, lambda *args, **kwargs: False)
    add = _degrade(DjangoRedisCache.add, lambda *args, **kwargs: False)
    set = _degrade(DjangoRedisCache.set, lambda *args, **kwargs: None)
    set_many = _degrade(DjangoRedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _degrade(DjangoRedisCache.touch, lambda *args, **kwargs: False)
    delete = _degrade(DjangoRedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _degrade(DjangoRedisCache.delete_many, lambda *args, **kwargs: None)
