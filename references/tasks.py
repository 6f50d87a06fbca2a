"""Celery tasks: thin wrappers that take ids, call one domain function, and retry at the edge."""

from celery import shared_task
from django.conf import settings

from references import fetching
from references.eutils import MAX_BATCH, EutilsClient, TransientError
from references.models import Reference
from references.ratelimit import allowed_rate

BATCH = MAX_BATCH  # one efetch request's worth of PMIDs


def ncbi_rate():
    """Requests per second NCBI allows this deployment."""
    return allowed_rate(settings.NCBI_API_KEY, settings.NCBI_RATE_LIMIT)


# Every task that calls NCBI (PubMed here, Gene in genes.tasks) runs with these.
NCBI_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,  # a worker killed mid-fetch hands the batch back to the broker
    "autoretry_for": (TransientError,),
    "max_retries": settings.NCBI_MAX_RETRIES,
    "retry_backoff": settings.NCBI_RETRY_BACKOFF,
    "retry_backoff_max": settings.NCBI_RETRY_BACKOFF_MAX,
    "retry_jitter": settings.NCBI_RETRY_JITTER,
    # A backstop per worker; the shared limiter in the client keeps all workers together in line.
    "rate_limit": f"{ncbi_rate()}/s",
    "soft_time_limit": 600,
    "time_limit": 660,
}


@shared_task(**NCBI_TASK_OPTIONS)
def fetch_references(reference_ids):
    counts = fetching.fetch_references(reference_ids, client=EutilsClient.from_settings())
    return dict(counts)


@shared_task
def fetch_pending():
    """Queue every reference still waiting for its first fetch, or failing to get one."""
    return queue_fetches(Reference.objects.awaiting_fetch())


@shared_task
def refresh_stale(days=None):
    """Queue the references last fetched more than `days` ago (REFERENCE_REFRESH_DAYS)."""
    return queue_fetches(Reference.objects.stale(days or settings.REFERENCE_REFRESH_DAYS))


def queue_fetches(references):
    return queue_fetch_ids(list(references.order_by("pk").values_list("pk", flat=True)))


def queue_fetch_ids(ids):
    return queue_in_batches(fetch_references, ids)


def queue_in_batches(task, ids):
    """Queue `task` once per request's worth of `ids`; return how many ids were queued."""
    for start in range(0, len(ids), BATCH):
        task.delay(ids[start : start + BATCH])
    return len(ids)
