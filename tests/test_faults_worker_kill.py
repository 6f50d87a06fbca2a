"""A worker killed with SIGKILL in the middle of a batch: the batch completes after the
restart, and nothing is lost or duplicated.

Two kills: first the pool process running the task (the worker hands the task back to
the broker, task_reject_on_worker_lost, and runs it again), then the whole worker, whose
unacknowledged task only the broker's visibility timeout would bring back; the beat job
fetch_pending, the safety net for pending references, queues it again for a new worker.
"""

import os
import signal

import pytest
from django.db import transaction

from curation.models import Citation, Claim
from references.models import Reference
from references.tasks import fetch_pending
from tests.factories import make_claim, make_user
from tests.fault_helpers import (
    create_groups,
    efetches,
    gated_standin,
    pool_children,
    purge_queues,
    start_worker,
    suite_env,
    synthetic_pmids,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

BATCHES, BATCH = 4, 10


@pytest.fixture
def standin():
    with gated_standin(synthetic_pmids(BATCHES * BATCH)) as standin:
        yield standin


@pytest.fixture
def curator(transactional_db):
    create_groups()
    return make_user("carla", "curators")


def fetched(pmids):
    return Reference.objects.filter(pmid__in=pmids, fetch_status="fetched").count()


def test_a_worker_killed_mid_batch_finishes_it_after_restart_and_duplicates_nothing(
    standin, curator, tmp_path
):
    purge_queues()
    standin.close()
    pmids = synthetic_pmids(BATCHES * BATCH)
    first = start_worker(suite_env(standin), tmp_path, "first")
    second = None
    try:
        # Each transaction's references go to the workers as one task: four batches of ten,
        # each reference also cited by a claim.
        for start in range(0, len(pmids), BATCH):
            with transaction.atomic():
                references = [
                    Reference.objects.create(pmid=p) for p in pmids[start : start + BATCH]
                ]
                make_claim(curator, references=references)

        standin.allow(2)
        wait_for(lambda: len(efetches(standin)) == 3, "the third batch's efetch", first)
        assert fetched(pmids) == 20  # the kill lands in the middle: two batches in, two to go

        (child,) = pool_children(first.pid)
        os.kill(child, signal.SIGKILL)
        standin.release_waiting()  # the killed process's answer goes to no one
        standin.allow(1)
        # The same worker runs the lost batch again, before or after the fourth one.
        wait_for(lambda: fetched(pmids) == 30, "a third batch to be fetched", first)
        assert "WorkerLostError" in first.text(), first.describe()

        wait_for(lambda: len(efetches(standin)) == 5, "the last batch's efetch", first)
        assert fetched(pmids) == 30
        first.kill_group(signal.SIGKILL)
        first.popen.wait(timeout=10)
        standin.release_waiting()

        second = start_worker(suite_env(standin), tmp_path, "second")
        standin.open()
        assert fetch_pending() == BATCH  # what beat runs every ten minutes
        wait_for(lambda: fetched(pmids) == len(pmids), "every reference to be fetched", second)
    finally:
        first.stop()
        if second:
            second.stop()

    references = Reference.objects.filter(pmid__in=pmids)
    assert references.count() == len(pmids)
    assert sorted(references.values_list("title", flat=True)) == sorted(
        f"Synthetic paper {p}." for p in pmids
    )
    assert set(references.values_list("journal", flat=True)) == {"Journal of fault tolerance"}
    assert Claim.objects.count() == BATCHES
    citations = Citation.objects.filter(reference__pmid__in=pmids)
    assert citations.count() == len(pmids)
    assert citations.values("reference").distinct().count() == len(pmids)
