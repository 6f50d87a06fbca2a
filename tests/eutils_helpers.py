"""Helpers for the E-utilities tests: the stand-in on a free loopback port, and
the worker the rate-limit test runs in separate processes.

No Django here: the worker processes import this module without settings.
"""

import contextlib
import sys
import time
from pathlib import Path

from references.eutils import EutilsClient
from references.ratelimit import RedisRateLimiter
from references.standin import Standin, load_idconv_articles

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
PUBMED_FIXTURES = FIXTURES / "pubmed"
NCBI_FIXTURES = FIXTURES / "ncbi"
API_KEY = "0123456789abcdef0123456789abcdef0123"  # the shape of a real key, not a real one


@contextlib.contextmanager
def running_standin():
    """The stand-in serving the PubMed and ID converter fixtures, stopped on exit."""
    standin = Standin(PUBMED_FIXTURES, articles=load_idconv_articles(NCBI_FIXTURES)).start()
    try:
        yield standin
    finally:
        standin.stop()


class CountingLimiter:
    """A rate limiter that lets everything through and counts the calls."""

    def __init__(self):
        self.acquired = 0

    def acquire(self):
        self.acquired += 1
        return 0.0


def most_in_window(times, window=1.0):
    """The largest number of `times` inside any half-open window [t, t + window)."""
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def hammer(eutils_url, redis_url, prefix, tool, start, stop):
    """Fetch one PMID as fast as the shared limit allows, from `start` to `stop` (time.time())."""
    limiter = RedisRateLimiter(redis_url, "hammer", rate=10, prefix=prefix)
    client = EutilsClient(base_url=eutils_url, tool=tool, rate_limiter=limiter, max_attempts=1)
    time.sleep(max(0.0, float(start) - time.time()))
    while time.time() < float(stop):
        for _ in client.efetch_pubmed([9997]):
            pass


if __name__ == "__main__":
    hammer(*sys.argv[1:])
