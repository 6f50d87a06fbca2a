"""/healthz tells a load balancer whether the database, cache and broker are reachable."""

import pytest
from django.test import override_settings

from curation import health


@pytest.mark.django_db
def test_healthz_reports_every_part_ok_without_cookies_or_caching(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_a_part_that_fails_gives_503_naming_it_but_not_why(client, monkeypatch):
    def broken():
        raise ConnectionError("redis://secret-host:6379 refused connection")

    monkeypatch.setitem(health.CHECKS, "cache", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "broker": "ok",
    }
    assert b"secret-host" not in response.content


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["genes.example.org"], SECURE_SSL_REDIRECT=True)
def test_a_probe_by_address_over_plain_http_is_answered_not_refused_or_redirected(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_accepts_only_reads(client):
    assert client.post("/healthz").status_code == 405
