import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis

from references.ratelimit import (
    LocalRateLimiter,
    RedisRateLimiter,
    limit_name,
    shared_rate_limiter,
    spacing,
)
from tests.eutils_helpers import API_KEY, most_in_window, running_standin

# The suite's Redis (CI sets REDIS_URL), else the local one: these tests need a real Redis
# whatever cache the suite uses, and fail without one. Keys carry a per-test prefix.
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
PROJECT = Path(__file__).resolve().parents[1]


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def redis_prefix():
    """A key prefix unique to the test; its keys are deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # unreachable is a failure, never a skip
    prefix = f"test-ratelimit-{uuid.uuid4().hex}:"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_an_idle_limiter_lets_the_first_request_go_at_once():
    fake = FakeTime()
    limiter = LocalRateLimiter(10, clock=fake.clock, sleep=fake.sleep)

    assert limiter.acquire() == 0
    assert fake.sleeps == []


def test_waiting_callers_sleep_exactly_until_their_slot():
    fake = FakeTime()
    limiter = LocalRateLimiter(10, margin=0.05, clock=fake.clock, sleep=fake.sleep)

    for _ in range(4):
        limiter.acquire()

    assert fake.sleeps == pytest.approx([0.105, 0.105, 0.105])


def test_no_more_than_the_limit_start_in_any_sliding_second():
    fake = FakeTime()
    limiter = LocalRateLimiter(3, clock=fake.clock, sleep=fake.sleep)
    starts = []
    for _ in range(30):
        limiter.acquire()
        starts.append(fake.now)

    assert most_in_window(starts) == 3
    assert (len(starts) - 1) / (starts[-1] - starts[0]) >= 0.9 * 3


def test_a_limiter_that_fell_idle_does_not_save_up_a_burst():
    fake = FakeTime()
    limiter = LocalRateLimiter(10, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    fake.now += 60

    limiter.acquire()
    limiter.acquire()

    assert fake.sleeps == pytest.approx([spacing(10)])


def test_threads_sharing_the_in_process_limiter_keep_to_it():
    limiter = LocalRateLimiter(10)
    starts, lock = [], threading.Lock()
    stop = time.monotonic() + 1.5

    def work():
        while time.monotonic() < stop:
            limiter.acquire()
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert most_in_window(starts) <= 10
    assert (len(starts) - 1) / (max(starts) - min(starts)) >= 9.0


def test_redis_limiters_on_one_key_hand_out_slots_one_interval_apart(redis_prefix):
    waits = []
    first = RedisRateLimiter(REDIS_URL, "shared", 10, prefix=redis_prefix, sleep=waits.append)
    second = RedisRateLimiter(REDIS_URL, "shared", 10, prefix=redis_prefix, sleep=waits.append)

    results = [first.acquire(), second.acquire(), first.acquire(), second.acquire()]

    # Nothing really slept, so each reservation queues one interval behind the last;
    # the little real time between the calls comes off the wait.
    interval = spacing(10)
    assert results[0] == 0
    for position, wait in enumerate(results[1:], start=1):
        assert position * interval - 0.25 < wait <= position * interval
    assert waits == results[1:]


def test_redis_limiters_with_other_names_do_not_share_a_limit(redis_prefix):
    waits = []
    one = RedisRateLimiter(REDIS_URL, "one", 10, prefix=redis_prefix, sleep=waits.append)
    other = RedisRateLimiter(REDIS_URL, "other", 10, prefix=redis_prefix, sleep=waits.append)

    assert one.acquire() == 0
    assert other.acquire() == 0


def test_the_redis_key_holds_a_hash_of_the_api_key_and_expires(redis_prefix):
    limiter = RedisRateLimiter(REDIS_URL, limit_name(API_KEY), 10, prefix=redis_prefix)
    limiter.acquire()

    client = redis.Redis.from_url(REDIS_URL)
    keys = [key.decode() for key in client.scan_iter(match=f"{redis_prefix}*")]
    assert len(keys) == 1
    assert API_KEY not in keys[0]
    assert 0 < client.pttl(keys[0]) <= 1200
    client.close()


def test_without_redis_the_shared_limiter_is_in_process_3_or_10_per_second():
    assert shared_rate_limiter(redis_url="").rate == 3
    with_key = shared_rate_limiter(api_key=API_KEY, redis_url="")

    assert isinstance(with_key, LocalRateLimiter)
    assert with_key.rate == 10
    assert shared_rate_limiter(api_key=API_KEY, redis_url="") is with_key


def test_with_redis_the_shared_limiter_is_keyed_by_a_hash_of_the_api_key():
    # Building the limiter does not connect, so any Redis URL will do here.
    limiter = shared_rate_limiter(
        api_key=API_KEY, redis_url="redis://redis.internal:6379/0", rate=8
    )

    assert isinstance(limiter, RedisRateLimiter)
    assert limiter.rate == 8
    assert limiter.key == "ncbi-eutils:rate:" + limit_name(API_KEY)
    assert API_KEY not in limiter.key


def test_two_processes_sharing_the_redis_limit_never_exceed_it_at_the_server(redis_prefix):
    limit, duration = 10, 3.0
    with running_standin() as standin:
        start = time.time() + 1.0  # time for both interpreters to start
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.eutils_helpers", standin.eutils_url, REDIS_URL]
                + [redis_prefix, f"worker-{n}", str(start), str(start + duration)],
                cwd=PROJECT,
                stderr=subprocess.PIPE,
            )
            for n in (1, 2)
        ]
        for worker in workers:
            _, errors = worker.communicate(timeout=30)
            assert worker.returncode == 0, errors.decode()
        requests = standin.requests

    arrivals = [r.time for r in requests]
    by_worker = {r.params["tool"][0] for r in requests}
    assert by_worker == {"worker-1", "worker-2"}
    assert most_in_window(arrivals) <= limit
    assert (len(arrivals) - 1) / (max(arrivals) - min(arrivals)) >= 0.9 * limit
    assert len(arrivals) >= 0.8 * limit * duration
