"""The claims list endpoint's throughput, next to minimal Django views in the same run.

Issue 7 asks for 100-item pages at 25% or more of the minimal view's
throughput. Read as issue 6 reads it for gene pages, the minimal view is the
plainest one Django can serve, here a view returning two bytes: the cached
anonymous list (curation.api.caching) is measured against it. The list
rendered anew ("uncached") is measured against a minimal view that serves the
same page (same queries, same JSON) the plainest Django way, with none of
DRF's machinery: that ratio is what DRF costs over building the page by hand.
Uncached means the API stamp is bumped before every request, as any change an
anonymous reader could see bumps it (curation.cache.retire_api_responses), so
each request reads, renders and stores the page again; the bump itself is one
Redis round trip (or a local-memory write), next to some 40 ms of page.

Everything runs in one fresh process through Django's WSGI handler (the whole
middleware stack, no network), one request after another, each measure taking
turns with its baseline so that a busy machine slows both alike, on a
throw-away database that the process migrates and fills: a SQLite file in a
temporary folder, or a test database made from DATABASE_URL (PostgreSQL) and
dropped afterwards. The cache is Redis when REDIS_URL is set (under a key
prefix of this run's own), else local memory. Settings are production-like
(DEBUG off, persistent database connections); the anonymous rate limit is set
too high to refuse anything, so its cost still counts. Each claim cites two
references (every field of each is in the JSON) and names another gene, like
the demo data.
"""

import itertools
import json
import os
import sys
import tempfile
import time
from io import BytesIO

from django.http import HttpResponse
from django.urls import include, path

from bench import Row, benchmark
from bench.process import environment, rates, run

CLAIMS = 2_000
PAGE = 100
LIST = "/api/v1/claims/"
MINIMAL = "/bench/minimal/"
HELLO = "/bench/hello/"
FLOOR = "Django view returning 2 bytes"


def hello(request):
    return HttpResponse(b"ok", content_type="text/plain")


def minimal(request):
    """The same page as the API, the plainest Django way: the same queries, dicts, JsonResponse.

    No authentication, permissions, throttling, filters, content negotiation or
    schema: what the API adds over this is what the ratio measures.
    """
    from django.http import JsonResponse

    from curation.api.serializers import claim_json
    from curation.api.views import claims_with_relations
    from curation.models import Claim

    page = int(request.GET.get("page", 1))
    claims = claims_with_relations(Claim.objects.public()).order_by("pk")
    results = list(claims[(page - 1) * PAGE : page * PAGE])
    return JsonResponse(
        {"count": claims.count(), "next": None, "previous": None,
         "results": [claim_json(claim) for claim in results]}
    )  # fmt: skip


def __getattr__(name):
    # The measuring process's URLconf: the project's URLs plus the minimal view. Built on
    # first use, since `python -m bench` imports this module before Django is set up.
    if name == "urlpatterns":
        return [
            path("bench/hello/", hello),
            path("bench/minimal/", minimal),
            path("", include("curation.urls")),
        ]
    raise AttributeError(name)


@benchmark
def api_list_throughput(scale):
    claims = max(PAGE * 2, int(CLAIMS * scale))
    seconds = max(0.3, 3.0 * scale)
    with tempfile.TemporaryDirectory() as folder:
        env = environment(
            DATABASE_CONN_MAX_AGE="600",
            API_ANON_RATE="1000000000/s",
            VAR_DIR=folder,
            LOG_LEVEL="WARNING",
            CACHE_KEY_PREFIX=f"bench-api-{os.getpid()}",
        )
        if not os.getenv("DATABASE_URL"):
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        result = run("bench.api", claims, seconds, env=env)
    api, bare, hello_rate = result["api"], result["minimal"], result["hello"]
    title = (
        f"API claims list on {result['database']}, {result['cache']}: {claims} approved claims, "
        f"{PAGE} per page, {result['queries']} queries a page; in-process WSGI, one client"
    )
    same_page = "minimal Django view of the same page"
    return title, [
        Row(f"GET {LIST}, cached, anonymous", result["cached"], "pages/s", hello_rate, FLOOR, 0.25),
        Row(f"GET {LIST}, uncached", api, "pages/s", bare, same_page, 0.25),
        Row(f"GET {LIST}, uncached", api * PAGE, "claims/s", bare * PAGE, same_page),
        Row(f"{FLOOR} (the floor of any view)", hello_rate, "requests/s"),
    ]


def fill(claims):
    """`claims` approved claims over 50 genes, each citing two references and naming a gene."""
    from django.contrib.auth.models import User

    from curation.models import Citation, Claim, Status
    from genes.models import Gene
    from references.models import Reference

    author = User.objects.create_user("bench-author")
    reviewer = User.objects.create_user("bench-reviewer")
    genes = Gene.objects.bulk_create(
        Gene(ncbi_gene_id=100 + n, symbol=f"BENCH{n}", name=f"benchmark gene {n}")
        for n in range(50)
    )
    references = Reference.objects.bulk_create(
        Reference(
            pmid=1_000_000 + n,
            doi=f"10.1000/bench.{n}",
            title=f"A study of benchmark gene {n % 50}, with a title of a usual length.",
            title_html=f"A study of <i>benchmark</i> gene {n % 50}.",
            authors=[
                {"family": "Curie", "given": "Marie", "initials": "M"},
                {"family": "Pasteur", "given": "Louis", "initials": "L"},
                {"collective": "Benchmark Consortium"},
            ],
            journal="Journal of Benchmarks",
            journal_abbrev="J Bench",
            volume="12",
            issue="3",
            pages="100-9",
            year=2020,
            published="2020-03-01",
            abstract="Background and results, in a few sentences. " * 8,
            publication_types=["Journal Article"],
            mesh_terms=["Humans", "Interferons"],
            language="eng",
            fetch_status=Reference.FetchStatus.FETCHED,
        )
        for n in range(claims * 2)
    )
    now = time.time()
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(now, timezone.utc)
    rows = Claim.objects.bulk_create(
        Claim(
            gene=genes[n % 50],
            section="function",
            text=f"Benchmark gene {n % 50} regulates something measurable in cells ({n}).",
            status=Status.APPROVED,
            position=n // 50,
            evidence_type="in_vitro",
            organism="Homo sapiens",
            author=author,
            reviewer=reviewer,
            version=3,
            submitted_at=moment,
            decided_at=moment,
        )
        for n in range(claims)
    )
    Citation.objects.bulk_create(
        Citation(claim=claim, reference=references[2 * n + k], position=k)
        for n, claim in enumerate(rows)
        for k in (0, 1)
    )
    Claim.mentioned_genes.through.objects.bulk_create(
        Claim.mentioned_genes.through(claim=claim, gene=genes[(n + 1) % 50])
        for n, claim in enumerate(rows)
    )


def environ(url):
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def cycling(application, urls):
    """A request to the next of `urls` each time it is called; it must be answered 200."""

    def start_response(status, headers):
        if not status.startswith("200"):
            raise RuntimeError(f"{status} for a benchmark request")

    following = itertools.cycle(urls)
    for url in urls:  # warm up (and fill the cache)
        b"".join(application(environ(url), start_response))
    return lambda: b"".join(application(environ(next(following)), start_response))


def main(claims, seconds):
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from curation import cache as page_cache

    settings.ROOT_URLCONF = "bench.api"
    postgres = connection.vendor == "postgresql"
    if postgres:
        # A database of its own, dropped at the end: never the one DATABASE_URL names.
        connection.settings_dict["TEST"]["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        fill(claims)
        application = WSGIHandler()
        pages = [f"{LIST}?page={n}" for n in range(1, claims // PAGE + 1)]
        with CaptureQueriesContext(connection) as queries:
            b"".join(application(environ(pages[0]), lambda status, headers: None))
        query_count = len(queries)  # now: each request started from here empties the log
        page = cycling(application, pages)

        def uncached():
            page_cache.retire_api_responses()
            page()

        # Two pairs, each taking turns: the uncached requests' bumps would empty the cache.
        hello = cycling(application, [HELLO])
        result = rates({"hello": hello, "cached": cycling(application, pages)}, seconds)
        minimal = [f"{MINIMAL}?page={n}" for n in range(1, len(pages) + 1)]
        result |= rates({"minimal": cycling(application, minimal), "api": uncached}, seconds)
        result.update(
            database="PostgreSQL" if postgres else "SQLite",
            cache=settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            queries=query_count,
        )
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    print(json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]))
