"""Gene page stamps mirrored in each web process, kept current by Redis pub/sub.

Reading a page's two stamps from Redis on every hit cost a network round trip,
more than all the rest of serving a cached page. So each process keeps a
mirror of the stamps it has read, and every bump is published to every mirror:

- A bump runs as one Lua script: it takes the next number of a sequence,
  writes the stamps and publishes (sequence, keys, value). Redis delivers the
  messages in the order it ran the scripts.
- A read that finds the keys in the mirror makes no round trip. Otherwise one
  MGET reads the sequence with the stamps; they are kept with that number.
  A value replaces a kept one only if its number is newer (or, for a read,
  the same), so a late message never brings an old stamp back.
- The mirror is used only while its subscription is up. Subscribing, losing
  the connection or a fork empty it, and reads go to Redis until it is
  subscribed again. So does a bump numbered 1: the sequence started again, so
  Redis lost its data (a restart drops the subscriptions anyway; a FLUSHDB or
  an eviction does not, and until the next bump a mirror may keep stamps that
  Redis forgot, for at most MIRROR_SECONDS).
- The process that bumps updates its own mirror at once; other processes see a
  bump when its message arrives (well under a millisecond on a quiet machine).
  As a guard against a connection that dies without closing, a kept stamp is
  read again from Redis after MIRROR_SECONDS.

Why not redis-py's own client-side caching: it needs Redis 7.4 or later, and
this must work on the Redis 7.0 of Debian 12.
"""

import contextlib
import json
import logging
import os
import threading
import time

from curation.redis_cache import UNREACHABLE

logger = logging.getLogger(__name__)

MIRROR_SECONDS = 10
RETRY_SECONDS = 1
LISTEN_SECONDS = 1

# KEYS: the sequence, then the stamps. ARGV: value, expiry in seconds, channel, the keys as named
# in messages (JSON). Returns the sequence number of this bump.
BUMP = """
local sequence = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
    redis.call('SET', KEYS[i], ARGV[1], 'EX', ARGV[2])
end
redis.call('PUBLISH', ARGV[3], cjson.encode({sequence, cjson.decode(ARGV[4]), ARGV[1]}))
return sequence
"""


class StampMirror:
    """Stamps (integers under cache keys) read through a per-process mirror. See the module."""

    def __init__(self, backend, name="genepage"):
        self.backend = backend  # a curation.redis_cache.RedisCache
        self.sequence_key = backend.make_and_validate_key(f"{name}:sequence")
        # Keys live in one database of the server, but channels are server-wide: the channel
        # names the database, or sites sharing a server would take each other's stamps.
        db = backend.redis().connection_pool.connection_kwargs.get("db", 0)
        self.channel = backend.make_and_validate_key(f"{name}:bumps:db{db}")
        self.lock = threading.Lock()
        self.entries = {}  # key -> (value, sequence, expires at)
        self.epoch = 0  # changes whenever the mirror is emptied
        self.listening = False
        self.pid = None
        self.pubsub = None
        self.round_trips = 0  # reads that went to Redis (the tests count them)

    def read(self, keys):
        """{key: value} for those of `keys` that exist."""
        self._ensure_listener()
        if self.listening:
            now = time.monotonic()
            with self.lock:
                entries = [self.entries.get(key) for key in keys]
            if all(entry is not None and entry[2] > now for entry in entries):
                return {key: entry[0] for key, entry in zip(keys, entries, strict=True)}
        return self.fetch(keys)

    def fetch(self, keys):
        """Read `keys` from Redis, and keep what was found."""
        epoch = self.epoch
        self.round_trips += 1
        full = [self.backend.make_and_validate_key(key) for key in keys]
        try:
            sequence, *values = self.backend.redis().mget([self.sequence_key, *full])
        except UNREACHABLE as error:  # a miss, as for the cache itself (curation.redis_cache)
            logger.warning("page stamps not read: Redis is unreachable (%s)", error)
            return {}
        found = {
            key: int(value) for key, value in zip(keys, values, strict=True) if value is not None
        }
        self._keep(int(sequence or 0), found, epoch=epoch, from_read=True)
        return found

    def bump(self, keys, value, timeout):
        """Set every key to `value` for `timeout` seconds and tell every mirror."""
        full = [self.backend.make_and_validate_key(key) for key in keys]
        try:
            sequence = self.backend.redis(write=True).eval(
                BUMP, 1 + len(full), self.sequence_key, *full,
                value, int(timeout), self.channel, json.dumps(list(keys)),
            )  # fmt: skip
        except UNREACHABLE as error:  # skipped, as a cache write is (curation.redis_cache)
            logger.warning("page stamps not bumped: Redis is unreachable (%s)", error)
            return
        self._keep(int(sequence), dict.fromkeys(keys, value), epoch=self.epoch)

    def clear(self):
        """Forget every kept stamp (the next read of each goes to Redis)."""
        with self.lock:
            self._empty()

    def close(self):
        """Stop listening (tests do, to leave no thread behind)."""
        self.pid = None
        if self.pubsub is not None:
            with contextlib.suppress(Exception):
                self.pubsub.close()

    def _empty(self):
        self.entries.clear()
        self.epoch += 1

    def _keep(self, sequence, found, *, epoch, from_read=False):
        expires = time.monotonic() + MIRROR_SECONDS
        with self.lock:
            if epoch != self.epoch or not self.listening:
                return
            for key, value in found.items():
                kept = self.entries.get(key)
                if kept is None or sequence > kept[1] or (from_read and sequence == kept[1]):
                    self.entries[key] = (value, sequence, expires)

    def _ensure_listener(self):
        if self.pid == os.getpid():
            return
        with self.lock:
            if self.pid == os.getpid():
                return
            # A new process (or a fork, whose copy of the mirror no thread keeps current).
            self.pid = os.getpid()
            self.listening = False
            self._empty()
            threading.Thread(target=self._listen, name="page-stamp-mirror", daemon=True).start()

    def _listen(self):
        pid, failing = os.getpid(), False  # warn once per outage, not at every retry
        while self.pid == pid:
            pubsub = None
            try:
                pubsub = self.pubsub = self.backend.redis().pubsub()
                pubsub.subscribe(self.channel)
                while self.pid == pid:
                    # Polled rather than listen(): the pool's socket timeout would end a quiet wait.
                    message = pubsub.get_message(timeout=LISTEN_SECONDS)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        failing = False
                        with self.lock:
                            self._empty()
                            self.listening = True
                    elif message["type"] == "message":
                        sequence, keys, value = json.loads(message["data"])
                        if sequence == 1:  # the sequence started again: Redis lost its data
                            with self.lock:
                                self._empty()
                        self._keep(sequence, dict.fromkeys(keys, int(value)), epoch=self.epoch)
            except Exception as error:  # a lost connection, Redis restarting: read through
                if self.pid == pid and not failing:
                    logger.warning("page stamp mirror lost its subscription: %s", error)
                failing = True
            finally:
                with self.lock:
                    self.listening = False
                    self._empty()
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            if self.pid == pid:
                threading.Event().wait(RETRY_SECONDS)
