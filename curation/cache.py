"""Rendered gene pages in the cache, and the stamps that retire them.

A page is stored under its symbol and the site address it was rendered for,
together with the two stamps current when its data was read: the gene's own,
bumped when one of its claims enters or leaves the approved state or a
reference it cites changes, and the catalogue's, bumped when any gene or gene
name changes (a rename, or a mentioned gene's link, reaches across pages). A
page is served only while both stamps are unchanged, so a bump is all it takes
to retire it; stamps and page come back in one cache round trip.

Stamps are bumped at once and again when the transaction commits, so that a
page rendered in between from data not yet committed is never served after
the commit. They are times in nanoseconds, which also give Last-Modified.

Stamps live in the cache like the pages, so every process sees a bump only
when the cache is shared (Redis, as in production); with the local-memory
cache of a laptop, a change made in another process shows after PAGE_SECONDS.
"""

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)

# Part of every key and ETag: change it when the page's markup changes, to retire old pages.
LAYOUT = "1"
PAGE_SECONDS = 60 * 60
STAMP_SECONDS = 30 * 24 * 60 * 60
LOCAL_PAGES = 100  # per process; a gene page with 200 claims is about 180 kB
CATALOGUE = "genepage:catalogue"


@dataclass(frozen=True)
class Stamp:
    catalogue: int
    gene: int

    @property
    def etag(self):
        return f'"{LAYOUT}-{self.catalogue:x}-{self.gene:x}"'

    @property
    def last_modified(self):
        """Seconds since the epoch of the latest bump, for the Last-Modified header."""
        return max(self.catalogue, self.gene) // 1_000_000_000


def lookup(symbol, origin):
    """(stamp, page); either is None when missing, the page also when out of date.

    The stamps always come from the shared cache, so every process sees a bump
    at once; the page itself, once fetched, is kept in this process too, so a
    hit moves two small values instead of the whole page.
    """
    stamp = current_stamp(symbol)
    if stamp is None:
        return None, None
    page_key, tag = _page_key(symbol, origin), (stamp.catalogue, stamp.gene)
    stored = _local.get(page_key)
    if stored is None or stored[0] != tag:
        stored = cache.get(page_key)
        # A page is kept with the stamp it was rendered under, and served only while that is current.
        if stored is None or stored[0] != tag:
            return stamp, None
        _local.put(page_key, stored)
    return stamp, stored[1]


def current_stamp(symbol):
    """The stamp of `symbol`'s page, or None when the gene has none yet (or it was evicted)."""
    key = _stamp_key(symbol)
    found = cache.get_many([CATALOGUE, key])
    if CATALOGUE in found and key in found:
        return Stamp(found[CATALOGUE], found[key])
    return None


def ensure_stamp(symbol):
    """The stamp of `symbol`'s page, created if missing. Call it before reading the data."""
    key = _stamp_key(symbol)
    now = time.time_ns()
    # add() keeps a stamp another process wrote first, so that all agree on one.
    cache.add(CATALOGUE, now, STAMP_SECONDS)
    cache.add(key, now, STAMP_SECONDS)
    return current_stamp(symbol) or Stamp(now, now)


def store(symbol, origin, stamp, page):
    """Keep `page` (bytes) as rendered from data read after `stamp` was current."""
    stored = ((stamp.catalogue, stamp.gene), page)
    cache.set(_page_key(symbol, origin), stored, PAGE_SECONDS)
    _local.put(_page_key(symbol, origin), stored)


def bump_genes(symbols):
    """Retire the cached pages of these genes (current symbols), now and on commit."""
    keys = [_stamp_key(symbol) for symbol in set(symbols)]
    if keys:
        _bump(keys)


def bump_catalogue():
    """Retire every cached gene page, now and on commit."""
    _bump([CATALOGUE])


def _bump(keys):
    def write():
        now = time.time_ns()
        cache.set_many(dict.fromkeys(keys, now), STAMP_SECONDS)

    write()
    transaction.on_commit(write)


class _Recent:
    """The most recently used pages of this process; valid only with a current stamp."""

    def __init__(self, size):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            stored = self.items.get(key)
            if stored is not None:
                self.items.move_to_end(key)
            return stored

    def put(self, key, stored):
        with self.lock:
            self.items[key] = stored
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


_local = _Recent(LOCAL_PAGES)


def _stamp_key(symbol):
    return f"genepage:stamp:{_digest(symbol)}"


def _page_key(symbol, origin):
    return f"genepage:page:{_digest(LAYOUT, symbol, origin)}"


def _digest(*parts):
    # Symbols come from URLs: hashing keeps keys short and free of characters caches refuse.
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def _degrade(method, fallback):
    @functools.wraps(method)
    def degraded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (ConnectionError, TimeoutError) as e:
            logger.warning("cache %s skipped: Redis is unreachable (%s)", method.__name__, e)
            return fallback(*args, **kwargs)

    return degraded


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, except that while Redis is unreachable every read misses and
    every write is skipped (and logged), so pages are served from the database instead of
    failing. /healthz still reports the cache as unavailable. A stamp bump skipped this way
    is harmless when Redis restarts empty; after a mere network split, pages may be up to
    PAGE_SECONDS stale."""

    get = _degrade(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _degrade(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _degrade(RedisCache.has_key, lambda *args, **kwargs: False)
    add = _degrade(RedisCache.add, lambda *args, **kwargs: False)
    set = _degrade(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _degrade(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _degrade(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _degrade(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _degrade(RedisCache.delete_many, lambda *args, **kwargs: None)
