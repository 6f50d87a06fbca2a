"""Helpers for the API tests: a client with a curator's token, and throttling switched off."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


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
