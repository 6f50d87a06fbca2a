"""Tasks that call NCBI go to their own queue, with a per-worker rate limit as a backstop."""

from django.test import override_settings

from curation.celery import app
from genes import tasks as gene_tasks
from references import tasks


def queue_of(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


def test_fetches_are_routed_to_the_ncbi_queue_and_the_rest_to_the_default_one():
    assert queue_of("references.tasks.fetch_references") == "ncbi"
    assert queue_of("genes.tasks.fetch_genes") == "ncbi"
    assert queue_of("genes.tasks.fetch_pending_genes") == "celery"
    assert queue_of("references.tasks.fetch_pending") == "celery"
    assert queue_of("references.tasks.refresh_stale") == "celery"


def test_each_worker_starts_no_more_fetches_per_second_than_ncbi_allows():
    assert tasks.fetch_references.rate_limit == "3/s"
    assert gene_tasks.fetch_genes.rate_limit == "3/s"


def test_the_allowed_rate_follows_the_api_key_unless_set():
    with override_settings(NCBI_API_KEY="k", NCBI_RATE_LIMIT=None):
        assert tasks.ncbi_rate() == 10
    with override_settings(NCBI_API_KEY="k", NCBI_RATE_LIMIT=5):
        assert tasks.ncbi_rate() == 5
    with override_settings(NCBI_API_KEY="", NCBI_RATE_LIMIT=None):
        assert tasks.ncbi_rate() == 3
