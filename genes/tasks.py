"""Celery tasks: thin wrappers that take ids, call one domain function, and retry at the edge."""

from celery import shared_task

from genes import fetching
from genes.models import Gene
from references.eutils import EutilsClient
from references.tasks import NCBI_TASK_OPTIONS, queue_in_batches


@shared_task(**NCBI_TASK_OPTIONS)
def fetch_genes(gene_ids):
    counts = fetching.fetch_genes(gene_ids, client=EutilsClient.from_settings())
    return dict(counts)


@shared_task
def fetch_pending_genes():
    """Queue every gene added by ID that still waits for its fetch."""
    pending = Gene.objects.filter(fetch_status=Gene.FetchStatus.PENDING).order_by("pk")
    return queue_in_batches(fetch_genes, list(pending.values_list("pk", flat=True)))
