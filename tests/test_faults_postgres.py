"""PostgreSQL restarted under gunicorn and a worker: while it is down, pages that need it
fail cleanly (an error page, no traceback) and /healthz names the database; once it is
back, the same processes serve pages and fetch references again, with no restart.

The cluster is a private one (initdb in a temp folder, its own port), so this test needs
PostgreSQL's programs but not the suite's database: it passes whatever DATABASE_URL the
suite runs on, SQLite included. Its web and worker processes use the local-memory cache
and a folder broker, so Redis plays no part either.
"""

import json

import pytest

from tests.fault_helpers import (
    PG_BIN,
    PrivatePostgres,
    app_env,
    gated_standin,
    get,
    health,
    logs,
    run_manage,
    running,
    start_gunicorn,
    start_worker,
    wait_for,
)

# Pages that need the database (the gene page may come from the cache, and so does an
# anonymous API answer once asked for: while the database is down, the API is asked anew).
DATABASE_PAGES = ["/genes/", "/api/v1/claims/", "/search/?q=IRF7"]
OUTAGE_PAGES = ["/genes/", "/api/v1/claims/?section=function", "/search/?q=IRF7"]
SEED = """
from tests.factories import make_approved_claim, make_gene, make_user
make_approved_claim(
    make_user("carla", "curators"), make_user("rita", "reviewers"),
    gene=make_gene("IRF7", ncbi_gene_id=3665),
)
"""


@pytest.fixture
def postgres(tmp_path):
    assert (PG_BIN / "postgres").exists(), f"PostgreSQL's programs are not in {PG_BIN}"
    server = PrivatePostgres(tmp_path)
    try:
        yield server.init().start()
    finally:
        server.remove()


@pytest.fixture
def standin():
    with gated_standin() as standin:
        yield standin


def fetch_status(web, pmid):
    # A parameter the API does not know: answered from the database, never from the cache,
    # where this web process (local memory, no Redis) would not see the worker's fetch.
    status, body = get(f"{web.url}/api/v1/references/?pmid={pmid}&poll")
    results = json.loads(body)["results"] if status == 200 else []
    return results[0]["fetch_status"] if results else None


def test_postgresql_restarted_under_gunicorn_and_a_worker_is_survived_without_restarts(
    postgres, standin, tmp_path
):
    postgres.create_database("curation")
    env = app_env(
        DATABASE_URL=postgres.url("curation"),
        REDIS_URL="",
        CELERY_BROKER_URL="",
        VAR_DIR=tmp_path / "var",
        NCBI_EUTILS_URL=standin.eutils_url,
        NCBI_IDCONV_URL=standin.idconv_url,
    )
    run_manage(env, "migrate", "--noinput", "-v", "0")
    run_manage(env, "shell", "-c", SEED)
    web, worker = start_gunicorn(env, tmp_path), start_worker(env, tmp_path)
    with running(web, worker):
        wait_for(lambda: health(web.url)[0] == 200, "gunicorn to be healthy", web, worker)
        for path in DATABASE_PAGES:
            assert get(web.url + path)[0] == 200, (path, logs(web))
        run_manage(env, "pubmed_fetch", "35649368")
        wait_for(lambda: fetch_status(web, 35649368) == "fetched", "a first fetch", web, worker)

        postgres.stop()
        for path in OUTAGE_PAGES:
            status, body = get(web.url + path)
            assert status in (500, 503), (path, status, body[-2000:])
            assert "Traceback" not in body and "OperationalError" not in body, body[-2000:]
            assert "127.0.0.1" not in body, body[-2000:]
        status, body = get(f"{web.url}{OUTAGE_PAGES[1]}")
        assert status == 503 and json.loads(body)["code"] == "unavailable", body[-2000:]
        status, checks = health(web.url)
        assert (status, checks["database"]) == (503, "unavailable"), logs(web)
        assert checks["cache"] == checks["broker"] == "ok"

        postgres.start()
        wait_for(lambda: health(web.url)[0] == 200, "/healthz to recover", web, postgres)
        for path in DATABASE_PAGES:
            assert get(web.url + path)[0] == 200, (path, logs(web))
        run_manage(env, "pubmed_fetch", "400712")
        wait_for(lambda: fetch_status(web, 400712) == "fetched", "a fetch after", web, worker)

        assert web.alive() and worker.alive(), logs(web, worker)
        assert len(web.text().split("Booting worker")) == 2, web.describe()  # one, never again
