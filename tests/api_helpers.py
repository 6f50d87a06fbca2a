"""Helpers for the API tests: DESIGN.md's field lists, a client with a token, no throttling,
a cache on Redis."""

import os
import uuid

import pytest
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from curation import cache as page_cache

# DESIGN.md's JSON field names in its order, written out from it rather than taken from the
# code: the API and export tests check the code against them.
REFERENCE_FIELDS = [
    "id", "kind", "pmid", "pmid_version", "doi", "pmcid", "url", "title", "title_html",
    "vernacular_title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages",
    "year", "published", "medline_date", "epub_date", "abstract", "abstract_sections",
    "publication_types", "mesh_terms", "language", "retracted", "retraction_pmids",
    "erratum_pmids", "concern_pmids", "fetch_status", "fetch_error", "fetched_at",
]  # fmt: skip
CLAIM_FIELDS = [
    "id", "gene", "section", "text", "status", "version", "position", "evidence_type",
    "organism", "mentioned_genes", "citations", "author", "reviewer", "supersedes",
    "submitted_at", "decided_at", "updated_at", "flags",
]  # fmt: skip


@pytest.fixture
def unthrottled(settings):
    """No anonymous rate limit: the cache keeps counts between tests (and in Redis, between runs)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


def api(user=None):
    """A client that sends `user`'s token (a new one), or no credentials at all."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def error(response, status, code):
    """The JSON error body of `response`, after checking its status and code."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


REDIS = os.getenv("REDIS_URL") or "redis://127.0.0.1:6379/1"


def redis_caches(location, prefix):
    return {
        "default": {
            "BACKEND": "curation.redis_cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@pytest.fixture
def redis_cache(settings, monkeypatch):
    """The cache on the Redis of REDIS_URL (or the local one), whatever cache the suite uses,
    under a key prefix of this test's own; gives the stamp mirror made for it."""
    prefix = f"api-test-{uuid.uuid4().hex}"
    settings.CACHES = redis_caches(REDIS, prefix)
    yield from _own_mirror(monkeypatch)
    client = caches["default"].redis(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def unreachable_redis_cache(settings, monkeypatch):
    """The cache on a Redis that does not answer (nothing listens on its port)."""
    from tests.fault_helpers import free_port

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0", "api-test-down")
    yield from _own_mirror(monkeypatch)


def _own_mirror(monkeypatch):
    monkeypatch.setattr(page_cache, "_stamp_mirror", None)
    page_cache.clear_local()
    mirror = page_cache._mirror()
    assert mirror is not None
    yield mirror
    mirror.close()
    page_cache.clear_local()
