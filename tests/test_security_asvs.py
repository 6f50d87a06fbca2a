"""OWASP ASVS items that no other test file covers: sessions, errors, caching, uploads,
password rules, and the SECURITY.md table itself (every test it names exists)."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_resolver
from rest_framework.parsers import JSONParser

from tests.api_helpers import api
from tests.test_security_urls import walk

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def log_in(client, username="carla", password="pw-carla"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, secure=True
    )


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, curator):
    response = log_in(client)

    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_SECURE is True


def test_log_in_gives_a_new_session_id(client, curator):
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    log_in(client)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_log_out_ends_the_session_on_the_server(client, curator):
    log_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/accounts/logout/", secure=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # replaying the old cookie

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/curate/", secure=True)["Location"].startswith("/accounts/login/")


# Under 12 characters; a common password; all digits.
@pytest.mark.parametrize("password", ["short-pw-1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(curator, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=curator)


def test_a_long_passphrase_is_accepted(client, curator):
    client.force_login(curator)
    new = "violet tarantula paints 42 clouds"

    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-carla", "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    curator.refresh_from_db()
    assert curator.check_password(new)


def test_an_error_page_shows_no_internals(client, gene, monkeypatch):
    from curation import public_views

    def broken(*args, **kwargs):
        raise RuntimeError("secret-internal-detail in /work/curation/settings.py")

    monkeypatch.setattr(public_views, "Paginator", broken)
    client.raise_request_exception = False

    response = client.get("/genes/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "secret-internal-detail" not in body
    assert "Traceback" not in body and "settings.py" not in body
    assert settings.DEBUG is False


@pytest.mark.parametrize("path", ["/curate/", "/curate/claims/new/", "/accounts/password/"])
def test_pages_for_a_logged_in_user_are_not_stored_by_caches(client, curator, path):
    client.force_login(curator)

    response = client.get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_api_answer_to_a_token_is_not_stored_by_caches(curator):
    response = api(curator).get("/api/v1/claims/")

    assert "no-store" in response["Cache-Control"]


def test_public_pages_stay_cacheable_for_everyone(client, gene, curator):
    anonymous = client.get("/genes/IRF7/")
    client.force_login(curator)
    logged_in = client.get("/genes/IRF7/")

    assert "no-store" not in anonymous["Cache-Control"]
    assert logged_in["Cache-Control"] == anonymous["Cache-Control"]


def test_no_model_stores_an_uploaded_file():
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert file_fields == []


def test_the_api_parses_json_only():
    assert settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] == [
        "rest_framework.parsers.JSONParser"
    ]
    views = [
        getattr(
            get_resolver().resolve("/" + route.replace("^", "").split("(")[0]).func, "cls", None
        )
        for route, _ in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/^")
    ]
    parsers = {parser for view in views if view for parser in view.parser_classes}
    assert parsers == {JSONParser}


def test_a_multipart_upload_to_the_api_is_refused(curator):
    response = api(curator).post(
        "/api/v1/claims/",
        {"gene": "IRF7", "file": ("x.txt", b"data")},
        format="multipart",
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


TABLE_ROW = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|.*\|\s*(.+?)\s*\|\s*$")
TEST_NAME = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def security_table():
    rows = [TABLE_ROW.match(line) for line in (ROOT / "SECURITY.md").read_text().splitlines()]
    return [(m.group(1), TEST_NAME.findall(m.group(2))) for m in rows if m]


def test_every_test_named_in_security_md_exists():
    rows = security_table()
    missing = []
    for item, tests in rows:
        assert tests, f"{item} names no test"
        for path, name in tests:
            module = ast.parse((ROOT / path).read_text())
            functions = {n.name for n in module.body if isinstance(n, ast.FunctionDef)}
            if name not in functions:
                missing.append(f"{item}: {path}::{name}")

    assert len(rows) >= 25
    assert missing == []


def test_every_runtime_dependency_is_pinned_to_one_version():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    requirements = [line.split("#")[0].strip() for line in lines]
    requirements = [line for line in requirements if line]

    assert len(requirements) > 10
    assert [r for r in requirements if not re.fullmatch(r"[\w\-\[\]]+==[\w.]+", r)] == []
    assert "django-csp==4.0" in requirements
