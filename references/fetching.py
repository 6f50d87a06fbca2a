"""Bring references up to date with PubMed: the one domain step the Celery tasks call.

Plain functions on top of the E-utilities client and the parser. Each efetch
batch is stored in its own transaction, so a failure later in a run never
loses what an earlier batch stored, and running a fetch again is harmless
(records are upserted by PMID).
"""

import io
from collections import Counter

from django.db import transaction

from references.eutils import BadRequest, EutilsError, ResponseError, TransientError
from references.models import Reference
from references.pubmed_parser import DeletedRecord, FailedRecord, iter_records


def fetch_references(reference_ids, *, client):
    """Fetch the references `reference_ids` from PubMed; return counts of what happened.

    DOI- and PMCID-only references are first given a PMID through the ID
    converter. A TransientError (NCBI kept failing) is recorded on every
    reference not yet stored and raised again, so the caller can retry later.
    """
    counts = Counter()
    references = list(Reference.objects.filter(pk__in=reference_ids).fetchable())
    try:
        _resolve_pmids([r for r in references if not r.pmid], client, counts)
    except TransientError as e:
        _record_failures(references, e, counts)
        raise
    by_pmid = {r.pmid: r for r in references if r.pmid}
    stored = set()
    try:
        for batch in client.efetch_pubmed(by_pmid):
            _store_batch(batch, by_pmid, counts)
            stored.update(batch.requested)
    except EutilsError as e:
        _record_failures([r for p, r in by_pmid.items() if p not in stored], e, counts)
        if isinstance(e, TransientError):
            raise
    return counts


def _resolve_pmids(references, client, counts):
    try:
        found = client.idconv([r.doi or r.pmcid for r in references])
    except (BadRequest, ResponseError) as e:
        _record_failures(references, e, counts)
        return
    for reference in references:
        identifier = reference.doi or reference.pmcid
        pmid = found.get(identifier)
        holder = Reference.objects.filter(pmid=pmid).first() if pmid else None
        if pmid is None:
            reference.record_not_found(
                f"The ID converter knows no PMID for {identifier} (it covers PMC articles only)."
            )
            counts["not_found"] += 1
        elif holder:
            reference.record_fetch_failure(
                f"{identifier} is PMID {pmid}, which reference #{holder.pk} already has: "
                "merge the two references."
            )
            counts["failed"] += 1
        else:
            reference.pmid = int(pmid)
            reference.save(update_fields=["pmid", "updated_at"])


@transaction.atomic
def _store_batch(batch, by_pmid, counts):
    for item in iter_records(io.BytesIO(batch.xml)):
        reference = by_pmid.get(int(item.pmid)) if item.pmid else None
        if reference is None:
            continue
        if isinstance(item, FailedRecord):
            reference.record_fetch_failure(f"PubMed's record could not be read: {item.reason}")
            counts["failed"] += 1
        elif isinstance(item, DeletedRecord):
            reference.record_not_found()
            counts["not_found"] += 1
        else:
            reference.apply_pubmed(item.data)
            counts["fetched"] += 1
    for pmid in batch.missing:
        by_pmid[pmid].record_not_found()
        counts["not_found"] += 1


def _record_failures(references, error, counts):
    for reference in references:
        reference.record_fetch_failure(str(error))
        counts["failed"] += 1
