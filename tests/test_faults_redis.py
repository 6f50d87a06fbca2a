"""Redis, the cache and the broker, restarted while gunicorn and a worker run: pages are
still served while it is down, /healthz says the cache is down and then back, the same
worker takes new tasks after the restart, and work queued before it is not lost.

Redis runs without persistence here, so the restart empties it: a task still waiting in
the queue is gone, and the beat job fetch_pending (the safety net for pending
references) queues those references again.
"""

import pytest

from curation.celery import app
from curation.redis_cache import RedisCache
from curation.stamps import StampMirror
from references.models import Reference
from references.tasks import fetch_pending, fetch_references
from tests.factories import make_approved_claim, make_gene, make_user
from tests.fault_helpers import (
    PrivateRedis,
    create_groups,
    efetches,
    free_port,
    gated_standin,
    get,
    health,
    logs,
    running,
    start_gunicorn,
    start_worker,
    suite_env,
    synthetic_pmids,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

PMIDS = synthetic_pmids(30, first=42000001)
PAGES = ["/genes/IRF7/", "/", "/genes/", "/api/v1/genes/IRF7/"]


@pytest.fixture
def standin():
    with gated_standin(PMIDS) as standin:
        yield standin


@pytest.fixture
def redis_server(tmp_path):
    server = PrivateRedis(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def send(redis_server, task, *args):
    """Queue `task` on the private Redis, as the web processes and beat would."""
    with app.connection_for_write(redis_server.url) as connection:
        task.apply_async(args=args, connection=connection)


def fetched(ids):
    return Reference.objects.filter(pk__in=ids, fetch_status="fetched").count()


def test_an_unreachable_redis_cache_misses_instead_of_failing():
    cache = RedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    cache.set("key", "value")
    assert cache.get("key", "default") == "default"
    assert cache.get_many(["key"]) == {}
    assert cache.add("key", "value") is False
    # The gene page stamps read and write through the same backend, and degrade the same way.
    mirror = StampMirror(cache)
    mirror.bump(["stamp"], 1, 60)
    assert mirror.read(["stamp"]) == {}
    mirror.close()


def test_redis_restarted_under_gunicorn_and_a_worker_loses_no_page_and_no_work(
    standin, redis_server, tmp_path
):
    create_groups()
    curator, reviewer = make_user("carla", "curators"), make_user("rita", "reviewers")
    make_approved_claim(curator, reviewer, gene=make_gene("IRF7", ncbi_gene_id=3665))
    # Created without the on-commit queueing (bulk_create sends no signal): each batch is
    # queued by hand on the private Redis.
    before, lost, after = (
        [r.pk for r in Reference.objects.bulk_create(Reference(pmid=p) for p in PMIDS[i : i + 10])]
        for i in (0, 10, 20)
    )
    env = suite_env(standin, REDIS_URL=redis_server.url, CELERY_BROKER_URL=redis_server.url)
    web, worker = start_gunicorn(env, tmp_path), start_worker(env, tmp_path)
    with running(web, worker):
        wait_for(lambda: health(web.url)[0] == 200, "gunicorn to be healthy", web, worker)
        wait_for(lambda: "ready." in worker.text(), "the worker to start", worker)
        for path in PAGES:
            assert get(web.url + path)[0] == 200, (path, logs(web))

        standin.close()
        send(redis_server, fetch_references, before)
        wait_for(lambda: len(efetches(standin)) == 1, "the first batch in flight", worker)
        send(redis_server, fetch_references, lost)  # waits in Redis behind the first
        redis_server.stop()

        for path in PAGES:
            status, body = get(web.url + path)
            assert status == 200, (path, body[-2000:], logs(web))
        assert health(web.url) == (
            503,
            {"database": "ok", "cache": "unavailable", "broker": "unavailable"},
        )
        standin.open()
        wait_for(lambda: fetched(before) == 10, "the batch in flight to be stored", worker)

        redis_server.start()
        wait_for(lambda: health(web.url)[0] == 200, "/healthz to recover", web)
        for path in PAGES:
            assert get(web.url + path)[0] == 200, (path, logs(web))

        send(redis_server, fetch_references, after)
        wait_for(lambda: fetched(after) == 10, "a task sent after the restart", worker)
        assert fetched(lost) == 0  # its task was in Redis when Redis lost everything
        send(redis_server, fetch_pending)  # what beat runs every ten minutes
        wait_for(lambda: fetched(lost) == 10, "the lost batch to be queued again", worker)

        assert worker.alive() and web.alive(), logs(web, worker)
        assert "Connection to broker lost" in worker.text(), worker.describe()
    assert Reference.objects.filter(pmid__in=PMIDS).count() == len(PMIDS)
    assert Reference.objects.filter(pmid__in=PMIDS, fetch_status="fetched").count() == len(PMIDS)
