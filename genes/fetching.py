"""Fill genes from NCBI Gene's esummary: the one domain step the Celery task calls."""

from collections import Counter
from functools import partial

from django.db import transaction

from genes.esummary import parse_summary
from genes.models import Gene
from references.eutils import BadRequest, ResponseError, TransientError


def add_gene(ncbi_gene_id):
    """(gene, queued) for a Gene ID a curator asks for.

    A gene the catalogue lacks is created with a placeholder symbol and
    fetched from NCBI once the transaction commits; so is a known gene whose
    earlier fetch failed. A gene the catalogue already has is left alone.
    """
    gene, created = Gene.objects.add_by_id(ncbi_gene_id)
    retry = gene.fetch_status in (Gene.FetchStatus.FAILED, Gene.FetchStatus.NOT_FOUND)
    if created or retry:
        fetch_on_commit([gene.pk])
    return gene, created or retry


def fetch_on_commit(gene_ids):
    from genes.tasks import fetch_genes

    # robust: a broker that cannot be reached must not undo the commit; the
    # periodic fetch_pending_genes task picks the genes up.
    transaction.on_commit(partial(fetch_genes.delay, list(gene_ids)), robust=True)


def fetch_genes(gene_ids, *, client):
    """Fill the genes `gene_ids` (primary keys) from NCBI; return counts of what happened.

    A TransientError (NCBI kept failing) is recorded on every gene and raised
    again, so the caller can retry later.
    """
    counts = Counter()
    genes = list(Gene.objects.filter(pk__in=gene_ids))
    try:
        documents = client.esummary_gene([g.ncbi_gene_id for g in genes])
    except TransientError as e:
        _record_failures(genes, e, counts)
        raise
    except (BadRequest, ResponseError) as e:
        _record_failures(genes, e, counts)
        return counts
    for gene in genes:
        document = documents.get(gene.ncbi_gene_id)
        if document is None:
            message = f"NCBI Gene has no record with ID {gene.ncbi_gene_id}."
            counts[gene.record_fetch_failure(message, Gene.FetchStatus.NOT_FOUND)] += 1
            continue
        with transaction.atomic():
            counts[gene.apply_summary(parse_summary(document))] += 1
    return counts


def _record_failures(genes, error, counts):
    for gene in genes:
        counts[gene.record_fetch_failure(str(error))] += 1
