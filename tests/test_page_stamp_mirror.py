"""The per-process mirror of gene page stamps (curation.stamps), against a real Redis.

Each test builds its own cache backends on the Redis of REDIS_URL (or the local
one), under a key prefix of its own, so it runs whatever cache the suite uses.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from curation.redis_cache import RedisCache
from curation.stamps import StampMirror
from tests.fault_helpers import wait_for

ROOT = Path(__file__).resolve().parents[1]
REDIS = os.getenv("REDIS_URL") or "redis://127.0.0.1:6379/1"


@pytest.fixture
def prefix():
    return f"mirror-test-{uuid.uuid4().hex}"


@pytest.fixture
def subscribed_mirror():
    """Makes mirrors as processes have them, once subscribed; closes them after the test."""
    made = []

    def make(prefix):
        mirror = StampMirror(RedisCache(REDIS, {"KEY_PREFIX": prefix}))
        made.append(mirror)
        mirror.read(["warm-up"])
        wait_for(lambda: mirror.listening, "the mirror to subscribe")
        return mirror

    yield make
    for mirror in made:
        mirror.close()


def raw(mirror):
    return mirror.backend.redis(write=True)


def test_reads_after_the_first_make_no_round_trip(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    mirror.bump(["a", "b"], 5, 60)
    trips = mirror.round_trips

    for _ in range(100):
        assert mirror.read(["a", "b"]) == {"a": 5, "b": 5}

    assert mirror.round_trips == trips


def test_a_bump_by_another_mirror_arrives_without_a_round_trip(prefix, subscribed_mirror):
    here, there = subscribed_mirror(prefix), subscribed_mirror(prefix)
    here.bump(["gene"], 1, 60)
    assert there.read(["gene"]) == {"gene": 1}
    trips = there.round_trips

    here.bump(["gene"], 2, 60)

    wait_for(lambda: there.read(["gene"]) == {"gene": 2}, "the bump's message")
    assert there.round_trips == trips


def test_mirrors_on_other_databases_of_the_server_take_none_of_its_bumps(prefix, subscribed_mirror):
    here = subscribed_mirror(prefix)
    elsewhere = StampMirror(RedisCache(other_database(REDIS), {"KEY_PREFIX": prefix}))
    elsewhere.read(["warm-up"])
    wait_for(lambda: elsewhere.listening, "the other database's mirror to subscribe")
    try:
        elsewhere.bump(["gene"], 1, 60)
        assert here.read(["gene"]) == {}
        here.bump(["gene"], 2, 60)
        elsewhere.bump(["gene"], 3, 60)  # published after here's bump, and ignored by here

        wait_for(lambda: elsewhere.read(["gene"]) == {"gene": 3}, "its own bump")
        here.bump(["other"], 4, 60)  # a message here sees, so anything sent before has arrived
        wait_for(lambda: "other" in here.entries, "here's own message")
        assert here.read(["gene"]) == {"gene": 2}
    finally:
        elsewhere.close()


def other_database(url):
    """The same Redis server, another of its numbered databases."""
    base, db = url.rsplit("/", 1)
    return f"{base}/{(int(db or 0) + 1) % 16}"


def test_a_bump_by_another_process_reaches_this_one(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    mirror.bump(["gene"], 1, 60)
    assert mirror.read(["gene"]) == {"gene": 1}

    bumper = (
        "import sys; from curation.redis_cache import RedisCache; from curation.stamps import "
        "StampMirror; StampMirror(RedisCache(sys.argv[1], {'KEY_PREFIX': sys.argv[2]}))"
        ".bump(['gene'], 2, 60)"
    )
    subprocess.run([sys.executable, "-c", bumper, REDIS, prefix], cwd=ROOT, check=True)

    wait_for(lambda: mirror.read(["gene"]) == {"gene": 2}, "the other process's bump")


def test_a_late_message_never_brings_an_old_stamp_back(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    mirror.bump(["gene"], 1, 60)
    old = mirror.entries["gene"][1]
    mirror.bump(["gene"], 2, 60)

    # What the listener does with the first bump's message, arriving after the second bump.
    mirror._keep(old, {"gene": 1}, epoch=mirror.epoch)

    assert mirror.read(["gene"]) == {"gene": 2}


def test_a_read_older_than_a_kept_bump_is_not_kept(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    mirror.bump(["gene"], 1, 60)
    read_sequence = mirror.entries["gene"][1]
    mirror.bump(["gene"], 2, 60)

    mirror._keep(read_sequence, {"gene": 1}, epoch=mirror.epoch, from_read=True)

    assert mirror.entries["gene"][0] == 2


def test_a_read_begun_before_the_mirror_was_emptied_is_not_kept(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    epoch = mirror.epoch
    mirror.clear()

    mirror._keep(10**9, {"gene": 1}, epoch=epoch, from_read=True)

    assert "gene" not in mirror.entries


def test_keys_redis_does_not_hold_are_read_from_redis_each_time(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    trips = mirror.round_trips

    assert mirror.read(["missing"]) == {}
    assert mirror.read(["missing"]) == {}

    assert mirror.round_trips == trips + 2


def test_a_lost_subscription_empties_the_mirror_and_reads_go_to_redis(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    connection = raw(mirror)
    connection.set(mirror.sequence_key, 100)  # so that no bump numbered 1 empties the mirror too
    mirror.bump(["gene"], 1, 60)
    assert mirror.read(["gene"]) == {"gene": 1}
    epoch = mirror.epoch

    host, port = mirror.pubsub.connection._sock.getsockname()[:2]
    assert connection.client_kill(f"{host}:{port}")
    wait_for(lambda: mirror.epoch != epoch, "the mirror to notice its connection is gone")
    # Written behind the mirrors' backs: only a read from Redis can see it.
    connection.set(mirror.backend.make_and_validate_key("gene"), 7)

    wait_for(lambda: mirror.listening, "the mirror to subscribe again", timeout=15)
    assert mirror.read(["gene"]) == {"gene": 7}


def test_a_sequence_started_again_empties_every_mirror(prefix, subscribed_mirror):
    here, there = subscribed_mirror(prefix), subscribed_mirror(prefix)
    here.bump(["gene"], 1, 60)
    assert there.read(["gene"]) == {"gene": 1}
    # Redis loses its data without a restart (FLUSHDB, eviction): the sequence starts at 1 again.
    raw(here).delete(here.sequence_key, here.backend.make_and_validate_key("gene"))

    here.bump(["other"], 2, 60)

    wait_for(lambda: "gene" not in there.entries, "the mirror to be emptied")
    assert there.read(["gene"]) == {}


def test_bumped_stamps_expire_in_redis_with_the_timeout_given(prefix, subscribed_mirror):
    mirror = subscribed_mirror(prefix)
    mirror.bump(["gene"], 1, 60)

    ttl = raw(mirror).ttl(mirror.backend.make_and_validate_key("gene"))

    assert 0 < ttl <= 60
    # The value is stored as Django's cache stores integers, so the cache API reads it too.
    assert mirror.backend.get("gene") == 1
