"""NCBI misbehaving for a long time, with a real worker: 429 with Retry-After, 500,
answers slower than the client's timeout, then bodies cut short, one after the other.

In production the backoff runs from a minute to an hour (NCBI_RETRY_BACKOFF=60,
NCBI_RETRY_BACKOFF_MAX=3600) and such an outage lasts minutes or hours. Here the worker's
schedule is scaled down (1 s doubling up to 4 s, no jitter so that the spacing can be
measured, one request per task run, a 1 s client timeout) and the outage lasts 24 s,
which spans as many rounds of backoff. While it lasts, no reference is lost and stored
metadata is never blanked; when it ends, everything is fetched.
"""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from references.models import Reference
from references.tasks import refresh_stale
from tests.factories import make_reference
from tests.fault_helpers import (
    efetches,
    gated_standin,
    purge_queues,
    running,
    start_worker,
    suite_env,
    synthetic_pmids,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW = synthetic_pmids(10, first=43000001)
STORED = synthetic_pmids(5, first=43000101)
WINDOW = 6  # seconds of each kind of fault
SCHEDULE = {
    "NCBI_RETRY_BACKOFF": 1,
    "NCBI_RETRY_BACKOFF_MAX": 4,
    "NCBI_RETRY_JITTER": 0,
    "NCBI_MAX_RETRIES": 20,
    "NCBI_ATTEMPTS": 1,
    "NCBI_TIMEOUT": 1,
}


@pytest.fixture
def standin():
    with gated_standin(NEW + STORED) as standin:
        yield standin


def requests_for(standin, pmids):
    """The times of the efetch requests asking for `pmids` (one task's)."""
    wanted = {str(p) for p in pmids}
    return [
        r.time
        for r in efetches(standin)
        if wanted & set(",".join(r.params.get("id", [])).split(","))
    ]


def gaps(times):
    return [round(b - a, 2) for a, b in zip(times, times[1:], strict=False)]


def test_ncbi_failing_for_a_long_time_loses_nothing_and_the_worker_backs_off(standin, tmp_path):
    purge_queues()
    old = timezone.now() - timedelta(days=90)
    stored = [
        make_reference(pmid=p, title=f"Stored title {p}", journal="Stored journal", fetched_at=old)
        for p in STORED
    ]
    outage_start = time.monotonic()
    standin.fail("status", status=429, retry_after="1", seconds=WINDOW)
    standin.fail("status", status=500, seconds=2 * WINDOW)
    standin.fail("timeout", hold=2, seconds=3 * WINDOW)  # slower than the client's timeout
    standin.fail("truncate", seconds=4 * WINDOW)
    outage_end = outage_start + 4 * WINDOW

    with running(start_worker(suite_env(standin, **SCHEDULE), tmp_path)) as (worker,):
        with transaction.atomic():  # one task for the new references
            new = [Reference.objects.create(pmid=p).pk for p in NEW]
        assert refresh_stale() == len(STORED)  # one task for the stored ones

        wait_for(
            lambda: (
                len(requests_for(standin, NEW)) >= 4 and len(requests_for(standin, STORED)) >= 4
            ),
            "four failed rounds of each task",
            worker,
        )
        assert time.monotonic() < outage_end, "the outage ended too soon to test anything"
        for reference in Reference.objects.filter(pk__in=new):
            assert reference.fetch_status in ("pending", "failed"), reference.fetch_status
            assert reference.fetch_error and reference.fetch_attempts >= 1
        for reference in Reference.objects.filter(pmid__in=STORED):
            assert reference.fetch_status == "fetched"
            assert reference.title == f"Stored title {reference.pmid}"
            assert reference.journal == "Stored journal"
            assert reference.fetch_error

        everything = Reference.objects.filter(pmid__in=NEW + STORED)
        wait_for(
            lambda: everything.filter(fetch_error="", fetch_status="fetched").count() == 15,
            "every reference to be fetched after the outage",
            worker,
            timeout=4 * WINDOW + 40,
        )

    for pmids in (NEW, STORED):
        times = requests_for(standin, pmids)
        during = [t for t in times if t < outage_end]
        # 1, 2, 4, 4, 4... seconds apart, plus the time a failed request took: never hammering.
        assert 5 <= len(during) <= 10, gaps(times)
        spacing = gaps(times)
        # Each gap also holds the failed request's own time (up to 2 s for a timeout), so the
        # growth shows in the floors, not in gaps compared with each other.
        assert spacing[0] >= 0.9 and spacing[1] >= 1.8 and spacing[2] >= 3.6, spacing
        assert all(0.9 <= gap <= 4 + 1 + 2.5 for gap in spacing), spacing
    assert everything.count() == 15
    for reference in everything:
        assert reference.title == f"Synthetic paper {reference.pmid}."
        assert reference.journal == "Journal of fault tolerance"
        assert reference.fetch_attempts == 0
    for reference in stored:
        reference.refresh_from_db()
        assert reference.fetched_at > old
