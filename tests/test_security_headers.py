"""Every kind of page carries the security headers, under the suite's production-like settings.

The suite runs with DEBUG off (pyproject.toml); only SECURE_SSL_REDIRECT is off so that
plain test requests are answered, and HTTPS requests are made with secure=True.
"""

import re
from pathlib import Path

import pytest

from tests.factories import make_approved_claim

pytestmark = pytest.mark.django_db

STRICT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response):
    directives = (part.strip() for part in response["Content-Security-Policy"].split(";"))
    return dict(directive.split(" ", 1) for directive in directives if directive)


# name: (the fixture of the user who asks, path)
PAGES = {
    "public gene page": (None, "/genes/IRF7/"),
    "curator page": ("curator", "/curate/"),
    "admin page": ("admin", "/admin/curation/claim/"),
    "API response": (None, "/api/v1/genes/IRF7/"),
    "export": (None, "/api/v1/export/claims.tsv"),
}


@pytest.mark.parametrize("name", PAGES)
def test_each_kind_of_page_carries_the_security_headers(
    client, request, curator, reviewer, gene, name
):
    make_approved_claim(curator, reviewer, gene=gene)
    user, path = PAGES[name]
    if user is not None:
        client.force_login(request.getfixturevalue(user))

    response = client.get(path, secure=True)

    assert response.status_code == 200
    assert policy(response) == STRICT_CSP
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_only_the_api_docs_page_allows_an_inline_script_and_only_by_its_nonce(client):
    response = client.get("/api/docs/", secure=True)

    script_src = policy(response)["script-src"].split()
    assert script_src[0] == "'self'"
    assert len(script_src) == 2 and script_src[1].startswith("'nonce-")
    nonce = script_src[1][len("'nonce-") : -1]
    assert f'<script nonce="{nonce}">' in response.text
    assert "<style" not in response.text
    assert {k: v for k, v in policy(response).items() if k != "script-src"} == {
        k: v for k, v in STRICT_CSP.items() if k != "script-src"
    }
    assert (
        client.get("/api/docs/").headers["Content-Security-Policy"]
        != response.headers["Content-Security-Policy"]
    ), "the nonce must change with every request"


def test_plain_http_is_redirected_to_https_under_production_settings(client, settings, gene):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/genes/IRF7/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/genes/IRF7/"


def test_no_template_has_an_inline_script_style_or_event_handler(settings):
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
        re.IGNORECASE,
    )
    templates = Path(settings.BASE_DIR, "templates")
    found = {
        str(path.relative_to(templates)): inline.findall(path.read_text())
        for path in templates.rglob("*.html")
        # Swagger UI's start-up script: allowed by nonce on that page alone (SECURITY.md).
        if path.relative_to(templates).as_posix() != "drf_spectacular/swagger_ui.html"
    }

    assert {name: hits for name, hits in found.items() if hits} == {}
    assert len(found) > 20
