"""Helpers for the API tests: DESIGN.md's field lists, a client with a token, no throttling."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
