"""The suite talks to the services it is configured for: it fails, never skips, when one is down."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_configured_one():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"
        assert connection.Database.__name__ == "psycopg"  # psycopg 3, not psycopg2
        with connection.cursor() as cursor:
            cursor.execute("select 1")
            assert cursor.fetchone() == (1,)
    else:
        assert connection.vendor == "sqlite"


def test_cache_round_trip_on_the_configured_backend():
    key = f"probe-{uuid.uuid4()}"
    cache.set(key, {"gene": "IRF7"}, 30)
    assert cache.get(key) == {"gene": "IRF7"}
    if os.environ.get("REDIS_URL"):
        import redis

        raw = redis.Redis.from_url(os.environ["REDIS_URL"])
        assert any(k.decode().endswith(key) for k in raw.scan_iter(f"*{key}"))
    cache.delete(key)
    assert cache.get(key) is None
