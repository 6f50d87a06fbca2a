"""Celery tasks: thin wrappers that take ids, call one domain function, and retry at the edge."""

from celery import shared_task

from genes import fetching
from genes.models import Gene
from references.eutils import EutilsClient, TransientError
from references.tasks import ncbi_rate

BATCH = 200  # one esummary request's worth of Gene IDs


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientError,),
    max_retries=5,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    rate_limit=f"{ncbi_rate()}/s",  # a per-worker backstop, as for PubMed fetches
    soft_time_limit=600,
    time_limit=660,
)
def fetch_genes(gene_ids):
    counts = fetching.fetch_genes(gene_ids, client=EutilsClient.from_settings())
    return dict(counts)


@shared_task
def fetch_pending_genes():
    """Queue every gene added by ID that still waits for its fetch."""
    ids = list(
        Gene.objects.filter(fetch_status=Gene.FetchStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        fetch_genes.delay(ids[start : start + BATCH])
    return len(ids)
