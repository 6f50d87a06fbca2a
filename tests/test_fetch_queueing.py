"""New references are queued for fetching when their transaction commits, one task per transaction."""

import pytest
from django.db import transaction

from references import tasks
from references.queueing import QueuedFetch
from tests.factories import make_reference

pytestmark = pytest.mark.django_db


def fetches(callbacks):
    """The fetch tasks among a transaction's on-commit callbacks (it also bumps cache stamps)."""
    return [callback for callback in callbacks if isinstance(callback, QueuedFetch)]


def test_references_created_in_one_transaction_are_one_task(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        a = make_reference(pmid=9822609, fetch_status="pending")
        b = make_reference(doi="10.1038/nm.2830", fetch_status="pending")
        make_reference(url="https://example.org/db", title="No identifier")
    assert len(fetches(callbacks)) == 1
    assert sent == [[a.pk, b.pk]]


def test_nothing_is_queued_before_commit_or_after_rollback(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_reference(pmid=9822609, fetch_status="pending")
    assert sent == []
    assert len(fetches(callbacks)) == 1

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_reference(pmid=11162841, fetch_status="pending")
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert sent == []


def test_already_fetched_references_are_not_queued(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_reference(pmid=9822609, fetch_status="fetched")
    assert fetches(callbacks) == [] and sent == []


def test_pending_and_stale_tasks_queue_batches_of_200(sent, settings):
    from datetime import timedelta

    from django.utils import timezone

    from references.models import Reference

    Reference.objects.bulk_create(
        Reference(pmid=1000 + i, fetch_status="pending", title=f"t{i}") for i in range(450)
    )
    assert tasks.fetch_pending() == 450
    assert [len(batch) for batch in sent] == [200, 200, 50]

    sent.clear()
    old = timezone.now() - timedelta(days=settings.REFERENCE_REFRESH_DAYS + 1)
    Reference.objects.filter(pmid__lt=1010).update(fetch_status="fetched", fetched_at=old)
    Reference.objects.filter(pmid__gte=1010, pmid__lt=1020).update(
        fetch_status="fetched", fetched_at=timezone.now()
    )
    assert tasks.refresh_stale() == 10
    assert [len(batch) for batch in sent] == [10]


def test_the_beat_job_queues_again_what_failed_before_any_fetch_succeeded(sent):
    from references.models import Reference

    waiting = make_reference(pmid=9822609, fetch_status="pending")
    outage = make_reference(pmid=9822610, fetch_status="failed", fetch_attempts=6)
    make_reference(  # given up
        pmid=9822611, fetch_status="failed", fetch_attempts=Reference.MAX_ATTEMPTS
    )
    refresh_failed = make_reference(pmid=9822612, fetch_status="failed", fetch_attempts=1)
    Reference.objects.filter(pk=refresh_failed.pk).update(fetched_at="2020-01-01T00:00Z")
    make_reference(pmid=9822613, fetch_status="not_found")
    sent.clear()

    assert tasks.fetch_pending() == 2

    assert sent == [[waiting.pk, outage.pk]]  # not the given-up, refreshed or not-found ones
