"""The settings read the environment, and refuse unsafe or broken values with a clear message."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "BROKER": settings.CELERY_BROKER_URL,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "NCBI_EUTILS_URL": settings.NCBI_EUTILS_URL,
    "NCBI_API_KEY": settings.NCBI_API_KEY,
    "NCBI_EMAIL": settings.NCBI_EMAIL,
    "SSL_REDIRECT": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "SECRET_KEY": settings._wrapped.SECRET_KEY,  # past Django's lazy refusal of an empty key
}))
"""

CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "ALLOWED_HOSTS",
        "NCBI_EUTILS_URL",
        "NCBI_API_KEY",
        "NCBI_EMAIL",
        "SECURE_SSL_REDIRECT",
    }
}


def load_settings(**env):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "curation.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return None, result.stderr
    return json.loads(result.stdout), ""


def test_local_defaults_need_no_services():
    values, error = load_settings(DEBUG="1")
    assert error == ""
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"].endswith("db.sqlite3")
    assert values["CACHE"].endswith("LocMemCache")
    assert values["BROKER"] == "filesystem://"
    assert values["NCBI_EUTILS_URL"].startswith("https://eutils.ncbi.nlm.nih.gov/")


def run(*command, **env):
    return subprocess.run(
        command,
        env={**CLEAN_ENV, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_has_no_fallback_key():
    values, error = load_settings(DEBUG="0")
    assert error == ""
    assert values["SECRET_KEY"] == ""


def test_web_app_refuses_to_start_without_secret_key():
    result = run(sys.executable, "-c", "import curation.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_worker_refuses_to_start_without_secret_key(tmp_path):
    celery = Path(sys.executable).with_name("celery")
    result = run(str(celery), "-A", "curation", "worker", "--concurrency=1", VAR_DIR=str(tmp_path))
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stdout + result.stderr


def test_commands_that_need_no_secret_run_without_one():
    result = run(sys.executable, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_debug_defaults_to_off():
    values, _ = load_settings(SECRET_KEY="x" * 60, ALLOWED_HOSTS="genes.example.org")
    assert values["DEBUG"] is False
    assert values["SSL_REDIRECT"] is True
    assert values["ALLOWED_HOSTS"] == ["genes.example.org"]


def test_debug_gives_a_local_key_only_when_none_is_set():
    values, _ = load_settings(DEBUG="1")
    assert values["SECRET_KEY"].startswith("insecure-local-development-key")
    values, _ = load_settings(DEBUG="1", SECRET_KEY="mine")
    assert values["SECRET_KEY"] == "mine"


def test_unreadable_boolean_is_refused():
    values, error = load_settings(DEBUG="maybe")
    assert values is None
    assert "DEBUG='maybe' is not a boolean" in error


def test_postgres_url_uses_psycopg_3():
    values, _ = load_settings(DEBUG="1", DATABASE_URL="postgres://curator@db.internal:5432/genes")
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "genes"
    from django.db.backends.postgresql import base

    assert base.is_psycopg3


def test_sqlite_url_names_the_file(tmp_path):
    values, _ = load_settings(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/genes.db")
    assert values["DB_NAME"] == f"{tmp_path}/genes.db"


def test_unsupported_database_url_is_refused_clearly():
    values, error = load_settings(DEBUG="1", DATABASE_URL="mysql://root@localhost/genes")
    assert values is None
    assert "must point at SQLite" in error
    values, error = load_settings(DEBUG="1", DATABASE_URL="bogus://x")
    assert "DATABASE_URL is not usable" in error


def test_redis_url_gives_cache_and_broker():
    values, _ = load_settings(DEBUG="1", REDIS_URL="redis://cache.internal:6379/0")
    assert values["CACHE"].endswith("RedisCache")
    assert values["BROKER"] == "redis://cache.internal:6379/0"


def test_broker_url_overrides_redis_url():
    values, _ = load_settings(
        DEBUG="1", REDIS_URL="redis://cache:6379/0", CELERY_BROKER_URL="redis://broker:6379/1"
    )
    assert values["BROKER"] == "redis://broker:6379/1"


def test_ncbi_settings_come_from_the_environment():
    values, _ = load_settings(
        DEBUG="1",
        NCBI_EUTILS_URL="http://127.0.0.1:8765/eutils/",
        NCBI_API_KEY="abc123",
        NCBI_EMAIL="curators@example.org",
    )
    assert values["NCBI_EUTILS_URL"] == "http://127.0.0.1:8765/eutils/"
    assert values["NCBI_API_KEY"] == "abc123"
    assert values["NCBI_EMAIL"] == "curators@example.org"


def test_production_settings_pass_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **CLEAN_ENV,
            "DEBUG": "0",
            "SECRET_KEY": "k3Jx9-a-long-random-production-secret-with-enough-entropy-42!",
            "ALLOWED_HOSTS": "genes.example.org",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
