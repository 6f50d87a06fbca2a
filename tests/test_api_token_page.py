"""A curator makes, replaces and revokes their own API token on a page under /curate/."""

import re

from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api_helpers import error


def shown_key(response):
    match = re.search(r'<code id="api-token-key">([0-9a-f]{40})</code>', response.content.decode())
    return match.group(1) if match else None


def test_a_curator_creates_a_token_shown_once_and_it_authenticates_the_api(client, curator):
    client.force_login(curator)

    assert "no API token yet" in client.get("/curate/token/").content.decode()
    key = shown_key(client.post("/curate/token/", {"action": "create"}))

    assert key == Token.objects.get(user=curator).key
    page = client.get("/curate/token/")
    assert key not in page.content.decode()
    assert "You have a token" in page.content.decode()
    who = Client().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {key}")
    assert who.status_code == 200


def test_rotating_replaces_the_key_and_the_old_one_stops_working(client, curator):
    client.force_login(curator)
    old = shown_key(client.post("/curate/token/", {"action": "create"}))

    new = shown_key(client.post("/curate/token/", {"action": "create"}))

    assert new and new != old
    assert list(Token.objects.filter(user=curator).values_list("key", flat=True)) == [new]
    error(Client().get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {old}"), 401,
          "authentication_failed")  # fmt: skip


def test_revoking_leaves_no_token(client, curator):
    client.force_login(curator)
    client.post("/curate/token/", {"action": "create"})

    response = client.post("/curate/token/", {"action": "revoke"})

    assert shown_key(response) is None
    assert not Token.objects.filter(user=curator).exists()


def test_the_page_needs_a_logged_in_curator_and_a_csrf_token(client, curator, outsider):
    assert client.get("/curate/token/").status_code == 302
    client.force_login(outsider)
    assert client.get("/curate/token/").status_code == 403
    assert client.post("/curate/token/").status_code == 403
    assert not Token.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)
    assert strict.post("/curate/token/", {"action": "create"}).status_code == 403
    assert not Token.objects.exists()
