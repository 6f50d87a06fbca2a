import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from curation import cache as page_cache
from tests.factories import make_gene, make_user


@pytest.fixture(autouse=True)
def fresh_api_responses():
    """No cached API response from an earlier test: tests roll back their writes, and a
    rollback bumps no stamp, so the last answer of a test would still look current."""
    page_cache.retire_api_responses()


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    # The default PBKDF2 cost is right for production and far too slow for hundreds of users.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def curator(db):
    return make_user("carla", "curators")


@pytest.fixture
def other_curator(db):
    return make_user("oscar", "curators")


@pytest.fixture
def reviewer(db):
    return make_user("rita", "reviewers")


@pytest.fixture
def other_reviewer(db):
    return make_user("roland", "reviewers")


@pytest.fixture
def admin(db):
    return User.objects.create_superuser("ada", "ada@example.org", "pw-ada")


@pytest.fixture
def outsider(db):
    """Logged-in user in no group."""
    return make_user("otto")


@pytest.fixture
def gene(db):
    return make_gene("IRF7", ncbi_gene_id=3665, name="interferon regulatory factor 7")


@pytest.fixture
def admin_log_in(client):
    """Log `user` in to the admin (as staff) and return the client."""

    def log_in(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def sent(monkeypatch):
    """The batches fetch_references.delay is called with (the broker is tested end to end)."""
    from references import tasks

    calls = []
    monkeypatch.setattr(tasks.fetch_references, "delay", lambda ids: calls.append(list(ids)))
    return calls


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's; set CHROMIUM to use another) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls are still
    # synchronous and safe, which Django cannot tell without this switch.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    """A fresh browser tab with its own cookies; closed after the test."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def screenshots(request):
    """save(name) writes a full-page PNG under test-output/screenshots/<test name>/."""
    folder = (
        Path(__file__).resolve().parent.parent / "test-output" / "screenshots" / request.node.name
    )
    folder.mkdir(parents=True, exist_ok=True)

    def save(tab, name):
        path = folder / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return save
