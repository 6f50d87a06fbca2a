"""Log-in, log-out, password change, failed-log-in lockout and idle sessions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_anonymous_curator_page_redirects_to_the_login_page(client):
    response = client.get("/curate/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/curate/"


def test_login_page_shows_the_form(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_curator_logs_in_and_lands_on_their_claims(client, curator):
    response = log_in(client, "carla", "pw-carla")

    assert response.status_code == 302
    assert response["Location"] == "/curate/"
    assert client.get("/curate/").status_code == 200


def test_login_goes_on_to_the_page_asked_for(client, curator):
    response = client.post(
        LOGIN + "?next=/curate/claims/new/",
        {"username": "carla", "password": "pw-carla", "next": "/curate/claims/new/"},
    )

    assert response["Location"] == "/curate/claims/new/"


def test_wrong_password_is_refused_with_a_message(client, curator):
    response = log_in(client, "carla", "wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_takes_post_only(client, curator):
    client.force_login(curator)

    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/curate/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get("/curate/").status_code == 302


def test_curator_pages_carry_a_post_logout_form(client, curator):
    client.force_login(curator)

    response = client.get("/curate/")

    assert '<form method="post" action="/accounts/logout/">' in response.text


def test_password_change(client, curator):
    client.force_login(curator)
    assert client.get("/accounts/password/").status_code == 200

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-carla",
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    curator.refresh_from_db()
    assert curator.check_password("a much longer passphrase 42")
    assert client.get("/accounts/password/done/").status_code == 200


def test_password_change_needs_a_login(client):
    response = client.get("/accounts/password/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_repeated_failures_lock_the_username_out_from_that_address(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "carla", "wrong")

    locked = log_in(client, "carla", "pw-carla")

    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    assert "_auth_user_id" not in client.session


def test_lockout_is_by_username_and_address_together(client, curator, other_curator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "carla", "wrong")

    other_user = log_in(client, "oscar", "pw-oscar")
    client.post("/accounts/logout/")
    other_address = log_in(client, "carla", "pw-carla", address="192.0.2.7")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_lockout_ends_after_the_cool_off(client, curator):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "carla", "wrong")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert log_in(client, "carla", "pw-carla").status_code == 302


def test_a_success_resets_the_failure_count(client, curator):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "carla", "wrong")
    assert log_in(client, "carla", "pw-carla").status_code == 302
    client.post("/accounts/logout/")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "carla", "wrong")

    assert log_in(client, "carla", "pw-carla").status_code == 302


def test_admin_login_is_locked_out_too(client, admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ada", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "ada", "password": "pw-ada"})

    assert response.status_code == 429


def test_test_client_login_without_a_request_still_works(client, curator):
    assert client.login(username="carla", password="pw-carla")
    assert not client.login(username="carla", password="wrong")


def test_session_ends_after_inactivity(client, curator):
    client.force_login(curator)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/curate/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_reading_public_pages_neither_restarts_the_clock_nor_sends_a_cookie(client, curator):
    client.force_login(curator)
    soon = timezone.now() + timedelta(seconds=30)
    Session.objects.update(expire_date=soon)

    response = client.get("/genes/")

    assert not response.cookies
    assert Session.objects.get().expire_date == soon


def test_each_request_to_a_logged_in_area_restarts_the_idle_clock(client, curator):
    client.force_login(curator)
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))

    client.get("/curate/")

    (session,) = Session.objects.all()
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE


def test_anonymous_public_page_sets_no_cookie(client, gene):
    response = client.get("/")

    assert response.status_code == 200
    assert not response.cookies
