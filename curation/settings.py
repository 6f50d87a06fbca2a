"""Settings for the gene-knowledge curation platform.

Every value that differs between a laptop and a deployment comes from the
environment. With nothing set the site runs on SQLite, a local-memory cache and
a Celery broker that needs no server; production sets DEBUG=0 and must then
provide SECRET_KEY (there is no insecure fallback once DEBUG is off).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("VAR_DIR", BASE_DIR / "var"))

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name, default):
    value = os.getenv(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1 or 0.")


def env_int(name, default):
    value = os.getenv(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default):
    value = os.getenv(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# With DEBUG off there is no fallback: an empty key makes Django refuse to sign
# anything, and the web and worker processes refuse to start (curation.startup).
# Commands that need no secret (migrate, makemigrations --check) still run.
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "genes",
    "references",
    "curation",
]

MIDDLEWARE = [
    "curation.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL in a page address would reach a query and PostgreSQL: a 404 or 400 instead.
    "curation.validators.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "curation.sessions.IdleTimeoutMiddleware",
    "curation.security.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires (see the accounts settings below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "curation.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "curation.wsgi.application"

# DATABASE_URL: sqlite:///PATH or postgres://USER@HOST:PORT/NAME (psycopg 3).
DATABASE_URL = os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
SUPPORTED_DATABASES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
except ValueError as e:  # includes dj_database_url's UnknownSchemeError
    raise ImproperlyConfigured(
        f"DATABASE_URL is not usable ({e}). Use sqlite:///PATH or postgres://USER@HOST:PORT/NAME."
    ) from None
if DATABASES["default"]["ENGINE"] not in SUPPORTED_DATABASES:
    raise ImproperlyConfigured(
        "DATABASE_URL must point at SQLite (sqlite:///PATH) or PostgreSQL (postgres://...)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by the tests sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
    # Web and worker processes share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its clients, and an unreachable Redis is a miss,
            # not a 500: pages are rendered from the database until it is back.
            "BACKEND": "curation.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "curation"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1: at least 12 characters (SECURITY.md).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the collected files from every web process, compressed and, with the
# manifest, under content-hashed names cached for a year. The manifest exists only after
# `collectstatic`, so the test suite (which never runs it) turns it off.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# REST API (curation/api): token or session (with CSRF) credentials; anonymous
# callers read, throttled per address (API_ANON_RATE, e.g. 120/minute; empty for none).
# Behind proxies, API_NUM_PROXIES says how many X-Forwarded-For hops to trust.
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "no credentials" a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["curation.api.permissions.ReadOnlyOrCurator"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "curation.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "curation.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["curation.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.getenv("API_ANON_RATE", "120/minute") or None},
    "NUM_PROXIES": env_int("API_NUM_PROXIES", None),
    "EXCEPTION_HANDLER": "curation.api.exceptions.handle",
    "DEFAULT_SCHEMA_CLASS": "curation.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gene knowledge curation API",
    "DESCRIPTION": "Genes, evidence claims and their references; curators write claims and "
    "take them through review under the same rules as the screens. Errors are JSON "
    '{"code", "detail"}; a 400 adds "errors" naming each bad field.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come with the app (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "curation.models.Status",
        "SectionEnum": "curation.models.Section",
    },
}

# Bulk exports and dated releases (curation.exports, curation.releases).
# One export request may stream gigabytes, so each address gets few of them.
EXPORT_THROTTLE_RATES = {
    "export": os.getenv("EXPORT_THROTTLE_RATE", "60/hour"),
    "citation": os.getenv("CITATION_THROTTLE_RATE", "600/hour"),
}
RELEASES_DIR = Path(os.getenv("RELEASES_DIR", VAR_DIR / "releases"))

# Celery. Without CELERY_BROKER_URL or REDIS_URL the broker is a folder on
# disk, so `make run` needs no server while web and worker are separate processes.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Tasks that call NCBI have a queue of their own, so that a small dedicated worker can serve
# it (`celery worker -Q ncbi`) while other work scales apart. The limit that counts is the
# client's rate limiter, shared through Redis by every process; the tasks' Celery
# rate_limit is only a per-worker backstop at the same figure.
NCBI_QUEUE = os.getenv("NCBI_QUEUE", "ncbi")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "references.tasks.fetch_references": {"queue": NCBI_QUEUE},
    "genes.tasks.fetch_genes": {"queue": NCBI_QUEUE},
}
CELERY_BEAT_SCHEDULE = {
    # Safety net for references whose on-commit task never reached the broker.
    "fetch-pending-references": {"task": "references.tasks.fetch_pending", "schedule": 600.0},
    "refresh-stale-references": {
        "task": "references.tasks.refresh_stale",
        "schedule": crontab(hour=3, minute=17),
    },
    # Safety net for genes added by Gene ID whose on-commit fetch never reached the broker.
    "fetch-pending-genes": {"task": "genes.tasks.fetch_pending_genes", "schedule": 600.0},
    "publish-release": {
        "task": "curation.releases.publish_release",
        "schedule": crontab(hour=4, minute=7),
    },
}
# The release task lives in curation.releases, which autodiscovery (tasks.py) does not import.
CELERY_IMPORTS = ("curation.releases",)

NCBI_EUTILS_URL = os.getenv("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")
NCBI_API_KEY = os.getenv("NCBI_API_KEY", "")
NCBI_EMAIL = os.getenv("NCBI_EMAIL", "")
NCBI_TOOL = os.getenv("NCBI_TOOL", "gene-curation")
# Requests per second to NCBI from all processes together; unset: 3, or 10 with an API key.
NCBI_RATE_LIMIT = env_int("NCBI_RATE_LIMIT", 0) or None
NCBI_IDCONV_URL = os.getenv(
    "NCBI_IDCONV_URL", "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
)
# Tasks that call NCBI retry a failed run (NCBI kept failing: 429, 5xx, timeouts, cut
# answers) after NCBI_RETRY_BACKOFF seconds, doubling up to NCBI_RETRY_BACKOFF_MAX, at most
# NCBI_MAX_RETRIES times; each run's client tries NCBI_ATTEMPTS times, NCBI_TIMEOUT seconds
# each. The fault tests shrink these to see many rounds of an outage in seconds.
NCBI_MAX_RETRIES = env_int("NCBI_MAX_RETRIES", 5)
NCBI_RETRY_BACKOFF = env_int("NCBI_RETRY_BACKOFF", 60)
NCBI_RETRY_BACKOFF_MAX = env_int("NCBI_RETRY_BACKOFF_MAX", 3600)
NCBI_RETRY_JITTER = env_bool("NCBI_RETRY_JITTER", True)
NCBI_ATTEMPTS = env_int("NCBI_ATTEMPTS", 5)
NCBI_TIMEOUT = env_int("NCBI_TIMEOUT", 30)
# References are fetched again when their metadata is older than this (retractions appear late).
REFERENCE_REFRESH_DAYS = env_int("REFERENCE_REFRESH_DAYS", 30)

EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "curation@localhost")

# Accounts and sessions. Log-in, log-out and password change are
# Django's views at /accounts/. django-axes counts failed log-ins and locks out
# a username from one address after AXES_FAILURE_LIMIT of them, for the
# cool-off time; its middleware must stay the last one. The backend is axes'
# own, except that a call without a request (Client.login() in tests, a shell)
# has no address to lock out by and passes through; the log-in views always
# send the request. Sessions end after SESSION_IDLE_MINUTES without a request.
AUTHENTICATION_BACKENDS = [
    "curation.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Axes stores the username typed in a 255-character column: a longer one must not be a 500.
AXES_USERNAME_CALLABLE = "curation.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, the client's address is in X-Forwarded-For: say how many proxies.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
# Each request to a logged-in area restarts the idle clock (curation.sessions); public
# pages do not, so they never set a cookie.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "curate-home"
LOGOUT_REDIRECT_URL = "login"
# Links in e-mails to authors (decisions on their claims) start with this.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files,
# never inline, so injected markup cannot run. The one exception is the API docs page
# (Swagger UI), whose inline start-up script carries a per-request nonce
# (curation/api/urls.py). JSON-LD <script type="application/ld+json"> is data, not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}
