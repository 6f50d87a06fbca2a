"""Anonymous API callers are counted per address in one Redis round trip, over a sliding window."""

import pytest
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from curation.api import throttling
from curation.api.throttling import AnonymousThrottle, own_connection
from tests.api_helpers import api, error, redis_cache, unreachable_redis_cache  # noqa: F401

pytestmark = pytest.mark.django_db

START = 60 * 29_000_000  # the start of a one-minute window


@pytest.fixture
def rate(settings):
    def set_rate(value):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": value}}  # fmt: skip

    return set_rate


def ask(at, address="192.0.2.7"):
    """(let through, the throttle) for an anonymous request from `address` at time `at`."""
    request = Request(APIRequestFactory().get("/api/v1/genes/", REMOTE_ADDR=address))
    throttle = AnonymousThrottle()
    throttle.timer = lambda: at
    return throttle.allow_request(request, None), throttle


@pytest.mark.usefixtures("redis_cache")
def test_each_request_is_counted_in_one_round_trip(rate, monkeypatch):
    rate("100/minute")
    ask(START)  # the first may load the script into Redis
    connection = own_connection(caches["default"])
    commands = []
    send = connection.send_command
    monkeypatch.setattr(connection, "send_command", lambda *a, **k: commands.append(a[0]) or send(*a, **k))  # fmt: skip

    for n in range(5):
        assert ask(START + n)[0]

    assert commands == ["EVALSHA"] * 5
    client = caches["default"].redis(write=True)
    window = list(
        client.scan_iter(match=f"{caches['default'].key_prefix}:*throttle_anon_192.0.2.7*")
    )
    assert len(window) == 1
    assert int(client.get(window[0])) == 6
    assert 0 < client.ttl(window[0]) <= 120  # two windows: it is the previous one next


@pytest.mark.usefixtures("redis_cache")
def test_a_redis_that_lacks_the_script_is_sent_it_once(rate, monkeypatch):
    rate("100/minute")
    ask(START)  # connected
    monkeypatch.setattr(throttling, "COUNT_SHA", "0" * 40)  # a script Redis never saw
    connection = own_connection(caches["default"])
    commands = []
    send = connection.send_command
    monkeypatch.setattr(connection, "send_command", lambda *a, **k: commands.append(a[0]) or send(*a, **k))  # fmt: skip

    assert ask(START + 1)[0]

    assert commands == ["EVALSHA", "EVAL"]


@pytest.mark.usefixtures("redis_cache")
def test_the_limit_holds_over_a_sliding_window(rate):
    rate("4/minute")
    assert all(ask(START + n)[0] for n in range(1, 5))

    allowed, throttle = ask(START + 10)
    assert not allowed
    # Four requests in this window: the next fits once this one weighs three, 5 s into the next.
    assert throttle.wait() == 65

    allowed, throttle = ask(START + 60)  # a new window, but the last minute held four requests
    assert not allowed and throttle.wait() == 15
    assert ask(START + 75)[0]  # three quarters of the previous window, and this one
    assert not ask(START + 76)[0]
    assert ask(START + 76, address="192.0.2.8")[0]  # another address has its own count


@pytest.mark.usefixtures("redis_cache")
def test_refused_requests_are_not_counted(rate):
    rate("2/minute")
    assert ask(START)[0] and ask(START + 1)[0]
    for n in range(10):
        assert not ask(START + 2 + n)[0]

    # Only the two let through weigh on the next window: one more fits once half of it is gone.
    assert not ask(START + 60 + 14)[0]
    assert ask(START + 60 + 31)[0]


@pytest.mark.usefixtures("redis_cache")
def test_a_throttled_read_is_a_json_429_with_retry_after_even_when_cached(rate):
    rate("2/minute")
    reader = api()
    reader.defaults["REMOTE_ADDR"] = "192.0.2.9"

    assert reader.get("/api/v1/genes/").status_code == 200
    assert reader.get("/api/v1/genes/").status_code == 200  # from the cache, and counted
    response = reader.get("/api/v1/genes/")

    body = error(response, 429, "throttled")
    assert "second" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 120


@pytest.mark.usefixtures("unreachable_redis_cache")
def test_an_unreachable_redis_lets_every_request_through(rate):
    rate("1/minute")
    reader = api()

    assert [reader.get("/api/v1/genes/").status_code for _ in range(3)] == [200, 200, 200]


def test_without_redis_drf_counts_in_the_cache(settings, rate):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rate("2/minute")

    assert ask(START)[0] and ask(START + 1)[0]
    allowed, throttle = ask(START + 2)

    assert not allowed and throttle.wait() == 58
