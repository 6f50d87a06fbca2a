"""Rendered gene pages in the cache, and the stamps that retire them.

A page is stored under its symbol, the site address it was rendered for and
two stamps: the gene's own, bumped when one of its claims enters or leaves the
approved state or a reference it cites changes, and the catalogue's, bumped
when any gene or gene name changes (a rename, or a mentioned gene's link,
reaches across pages). A bump writes a new stamp, so readers stop finding the
old page; nothing has to be deleted, and a page never outlives its data.

Stamps are bumped at once and again when the transaction commits, so that a
page rendered in between from data not yet committed is never served after
the commit. They are times in nanoseconds, which also give Last-Modified.

Stamps live in the cache like the pages, so every process sees a bump only
when the cache is shared (Redis, as in production); with the local-memory
cache of a laptop, a change made in another process shows after PAGE_SECONDS.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

# Part of every key and ETag: change it when the page's markup changes, to retire old pages.
LAYOUT = "1"
PAGE_SECONDS = 60 * 60
STAMP_SECONDS = 30 * 24 * 60 * 60
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


def get_page(symbol, origin, stamp):
    return cache.get(_page_key(symbol, origin, stamp))


def set_page(symbol, origin, stamp, html):
    cache.set(_page_key(symbol, origin, stamp), html, PAGE_SECONDS)


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


def _stamp_key(symbol):
    return f"genepage:stamp:{_digest(symbol)}"


def _page_key(symbol, origin, stamp):
    return f"genepage:page:{_digest(LAYOUT, symbol, origin)}:{stamp.catalogue}:{stamp.gene}"


def _digest(*parts):
    # Symbols come from URLs: hashing keeps keys short and free of characters caches refuse.
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
