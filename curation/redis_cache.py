"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's client builds a new ``redis.Redis`` for every cache call, and building
one fills a table of some 170 response callbacks: on a cached gene page that
was a third of the request's time. A ``redis.Redis`` is safe to share between
threads (each command borrows a connection from the pool), so one per pool is
kept and reused. Everything else is Django's own backend.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def redis(self, write=False):
        """The redis-py client, for what the cache API lacks (scripts, pub/sub)."""
        return self._cache.get_client(write=write)
