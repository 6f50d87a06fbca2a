"""Rendered gene pages and anonymous API responses in the cache, and the stamps that retire them.

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
cache of a laptop, a change made in another process shows after PAGE_SECONDS
(API_SECONDS for the API). With Redis, each process mirrors the stamps it
reads and every bump is published to the mirrors (curation.stamps), so a hit
makes no round trip, and keeps its most used pages itself.

Anonymous API responses (curation.api.caching) work the same way under one
stamp of their own, bumped when anything an anonymous reader of the API can
see changes (curation.receivers): a gene, a name, a reference, or a claim that
is, was or becomes approved. One stamp for the whole API, because a change
reaches many lists and details (a reference is in every claim citing it).
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db import transaction

from curation.stamps import StampMirror

# Part of every key and ETag: change it when the page's markup changes, to retire old pages.
LAYOUT = "1"
PAGE_SECONDS = 60 * 60
STAMP_SECONDS = 30 * 24 * 60 * 60
LOCAL_PAGES = 100  # per process; a gene page with 200 claims is about 180 kB
CATALOGUE = "genepage:catalogue"
# Part of every API response's key: change it when the API's JSON changes, to retire old bodies.
API_FORMAT = "1"
API_STAMP = "api:stamp"
# Short: any query string the API knows is a key, and a page of 500 claims is some 1.5 MB.
API_SECONDS = 10 * 60
LOCAL_API_RESPONSES, LOCAL_API_BYTES = 500, 64 * 1024 * 1024  # per process


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
    stored = _stored(_local, _page_key(symbol, origin), (stamp.catalogue, stamp.gene))
    return stamp, None if stored is None else stored[1]


def _stored(local, key, tag):
    """What is kept under `key`, if it was kept under the stamps `tag`, from here or the cache."""
    stored = local.get(key) if _mirror() else None
    if stored is None or stored[0] != tag:
        stored = cache.get(key)
        # Kept with the stamp it was rendered under, and served only while that is current.
        if stored is None or stored[0] != tag:
            return None
        _keep_local(local, key, stored)
    return stored


def _keep_local(local, key, stored):
    # Only with Redis: with the local-memory cache the stamps are this process's own, and
    # a change made in another process (a worker's fetch) must show once the copy in the
    # cache expires, which a copy kept here would outlive.
    if _mirror():
        local.put(key, stored)


def current_stamp(symbol):
    """The stamp of `symbol`'s page, or None when the gene has none yet (or it was evicted)."""
    key = _stamp_key(symbol)
    return _stamp(_read_stamps([CATALOGUE, key]), key)


def ensure_stamp(symbol):
    """The stamp of `symbol`'s page, created if missing. Call it before reading the data."""
    key = _stamp_key(symbol)
    now = time.time_ns()
    return _stamp(_ensure_stamps([CATALOGUE, key], now), key) or Stamp(now, now)


def _read_stamps(keys):
    """{key: stamp} of the stamps found, from this process's mirror when there is one."""
    mirror = _mirror()
    return mirror.read(keys) if mirror else cache.get_many(keys)


def _ensure_stamps(keys, now):
    """{key: stamp} of `keys`, each written as `now` first where missing."""
    for key in keys:
        # add() keeps a stamp another process wrote first, so that all agree on one.
        cache.add(key, now, STAMP_SECONDS)
    mirror = _mirror()
    return mirror.fetch(keys) if mirror else cache.get_many(keys)


def _stamp(found, key):
    if CATALOGUE in found and key in found:
        return Stamp(found[CATALOGUE], found[key])
    return None


def store(symbol, origin, stamp, page):
    """Keep `page` (bytes) as rendered from data read after `stamp` was current."""
    stored = ((stamp.catalogue, stamp.gene), page)
    cache.set(_page_key(symbol, origin), stored, PAGE_SECONDS)
    _keep_local(_local, _page_key(symbol, origin), stored)


def api_lookup(key):
    """(stamp, (body, content type)) of the API response under `key`; either may be None.

    As lookup() for gene pages: the stamp (an integer) is None when there is none
    yet, the response also when it was stored under another stamp.
    """
    stamp = _read_stamps([API_STAMP]).get(API_STAMP)
    if stamp is None:
        return None, None
    stored = _stored(_local_api, _api_key(key), (stamp,))
    return stamp, None if stored is None else stored[1:]


def ensure_api_stamp():
    """The API stamp, created if missing. Call it before reading the data."""
    now = time.time_ns()
    return _ensure_stamps([API_STAMP], now).get(API_STAMP, now)


def store_api(key, stamp, body, content_type):
    """Keep an API response (`body` bytes) rendered from data read after `stamp` was current."""
    stored = ((stamp,), body, content_type)
    cache.set(_api_key(key), stored, API_SECONDS)
    _keep_local(_local_api, _api_key(key), stored)


def bump_api():
    """Retire every cached API response, now and on commit."""
    _bump([API_STAMP])


def retire_api_responses():
    """Retire every cached API response now, whatever the transaction (the tests do before
    each test: a rolled-back write bumps nothing on commit)."""
    _write_stamps([API_STAMP])
    _local_api.clear()


def bump_genes(symbols, *, api=False):
    """Retire the cached pages of these genes (current symbols), now and on commit; with
    `api`, every cached API response too, in the same round trip."""
    keys = [_stamp_key(symbol) for symbol in set(symbols)] + ([API_STAMP] if api else [])
    if keys:
        _bump(keys)


def bump_catalogue():
    """Retire every cached gene page and API response (both show genes' names), now and on
    commit."""
    _bump([CATALOGUE, API_STAMP])


def _bump(keys):
    _write_stamps(keys)
    transaction.on_commit(lambda: _write_stamps(keys))


def _write_stamps(keys):
    now = time.time_ns()
    if mirror := _mirror():
        mirror.bump(keys, now, STAMP_SECONDS)
    else:
        cache.set_many(dict.fromkeys(keys, now), STAMP_SECONDS)


class _Recent:
    """The most recently used pages of this process; valid only with a current stamp.

    Each is kept as (stamps, body, ...): at most `size` of them, with bodies of
    at most `budget` bytes in all when a budget is given.
    """

    def __init__(self, size, budget=None):
        self.size, self.budget, self.bytes = size, budget, 0
        self.items, self.lock = OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            stored = self.items.get(key)
            if stored is not None:
                self.items.move_to_end(key)
            return stored

    def put(self, key, stored):
        with self.lock:
            if (old := self.items.pop(key, None)) is not None:
                self.bytes -= len(old[1])
            self.items[key] = stored
            self.bytes += len(stored[1])
            while len(self.items) > self.size or (
                self.budget is not None and self.bytes > self.budget and len(self.items) > 1
            ):
                self.bytes -= len(self.items.popitem(last=False)[1][1])

    def clear(self):
        with self.lock:
            self.items.clear()
            self.bytes = 0


_local = _Recent(LOCAL_PAGES)
_local_api = _Recent(LOCAL_API_RESPONSES, LOCAL_API_BYTES)
_stamp_mirror = None


def _mirror():
    """This process's StampMirror when the cache is Redis (curation.redis_cache), else None."""
    global _stamp_mirror
    if _stamp_mirror is None:
        # A backend of its own: `cache` is one per thread, the mirror one per process.
        backend = caches.create_connection("default")
        _stamp_mirror = StampMirror(backend) if hasattr(backend, "redis") else False
    return _stamp_mirror or None


def clear_local():
    """Forget this process's pages, API responses and mirrored stamps (after the cache itself
    was cleared)."""
    _local.clear()
    _local_api.clear()
    if mirror := _mirror():
        mirror.clear()


def _stamp_key(symbol):
    return f"genepage:stamp:{_digest(symbol)}"


def _page_key(symbol, origin):
    return f"genepage:page:{_digest(LAYOUT, symbol, origin)}"


def _api_key(key):
    return f"api:response:{_digest(API_FORMAT, key)}"


def _digest(*parts):
    # Symbols come from URLs: hashing keeps keys short and free of characters caches refuse.
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
