"""Gene page throughput next to a minimal Django view, measured in the same run.

The measuring runs in a child process (``python -m bench.pages``) with a
database of its own, migrated there and dropped after: a temporary SQLite
file, or, when DATABASE_URL is set, a throw-away database beside it on that
server. Requests go through Django's WSGI handler in-process, with the whole
middleware stack and no network, so the ratios show what the page costs over
the cheapest response the stack can give. "Uncached" retires the page before
every request (as an approval does), so each one reads and renders it anew.
"""

import io
import json
import os
import sys
import tempfile
from pathlib import Path

from bench import Row, benchmark
from bench.process import environment, rates, run

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = 200
HOST = "bench.local"
SYMBOL = "BENCH1"
MINIMAL = "minimal Django view"


@benchmark
def gene_page_throughput(scale):
    claims = max(5, round(CLAIMS * min(scale, 1.0)))
    seconds = max(0.2, 2.0 * scale)
    with tempfile.TemporaryDirectory() as folder:
        env = environment(
            ALLOWED_HOSTS=HOST,
            # Persistent connections, as a deployment sets: else each request reconnects.
            DATABASE_CONN_MAX_AGE="600",
            CACHE_KEY_PREFIX=f"bench-pages-{os.getpid()}",
            BENCH_SQLITE=str(Path(folder) / "bench.sqlite3"),
        )
        result = run("bench.pages", claims, seconds, env=env)
    title = (
        f"Gene page: {claims} approved claims and {claims + 1} references, "
        f"WSGI in-process, {result['database']}, {result['cache']}"
    )
    minimal = result["minimal"]
    return title, [
        Row("gene page, cached", result["cached"], "requests/s", minimal, MINIMAL, target=0.5),
        Row("gene page, 304 revalidation", result["not_modified"], "requests/s", minimal, MINIMAL),
        Row("gene page, uncached", result["uncached"], "requests/s", minimal, MINIMAL),
        Row("minimal Django view", minimal, "requests/s"),
        Row("gene page size", result["bytes"] / 1000, "kB"),
    ]


def minimal_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def __getattr__(name):
    # The child's ROOT_URLCONF: the project's URLs plus the minimal view. Built on first use,
    # since importing the project's URLs needs Django set up, which `python -m bench` has not.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/minimal/", minimal_view), path("", include("curation.urls"))]
    raise AttributeError(name)


def measure(claims, seconds):
    import django
    from django.conf import settings

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from curation import cache as page_cache
    from tests.factories import make_gene_with_claims

    settings.ROOT_URLCONF = "bench.pages"
    test_settings = settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = os.environ["BENCH_SQLITE"]
    else:
        test_settings["NAME"] = f"bench_pages_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        make_gene_with_claims(claims, SYMBOL, shared_every=4)
        handler = WSGIHandler()
        page = f"/genes/{SYMBOL}/"
        status, body, headers = get(handler, page)
        assert status.startswith("200"), status
        etag = headers["ETag"]

        def uncached():
            page_cache.bump_genes([SYMBOL])
            get(handler, page)

        result = rates(
            {
                "minimal": lambda: get(handler, "/bench/minimal/"),
                "cached": lambda: get(handler, page),
                "not_modified": lambda: get(handler, page, HTTP_IF_NONE_MATCH=etag),
                "uncached": uncached,
            },
            seconds,
        )
        result.update(
            bytes=len(body),
            database=connection.vendor,
            cache=settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(result))


def get(handler, path, **headers):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **headers,
    }
    started = []
    body = b"".join(
        handler(environ, lambda status, headers, exc=None: started.append((status, headers)))
    )
    status, header_list = started[0]
    return status, body, dict(header_list)


if __name__ == "__main__":
    measure(int(sys.argv[1]), float(sys.argv[2]))
