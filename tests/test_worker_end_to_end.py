"""A real Celery worker process, on the configured broker (Redis in CI, a folder locally),
fetches references created in the database from the E-utilities stand-in. Workers killed
mid-batch are in test_faults_worker_kill.py."""

import pytest
from django.db import transaction

from references.models import Reference
from tests.eutils_helpers import running_standin
from tests.fault_helpers import (
    efetches,
    purge_queues,
    running,
    start_worker,
    suite_env,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def standin():
    with running_standin() as standin:
        yield standin


@pytest.fixture
def worker(standin, tmp_path):
    purge_queues()  # messages left by earlier runs are not this test's
    with running(start_worker(suite_env(standin), tmp_path, "e2e")) as (worker,):
        yield worker


def status_of(pk):
    return Reference.objects.get(pk=pk).fetch_status


def test_references_created_in_one_transaction_are_fetched_by_a_worker(worker, standin):
    with transaction.atomic():
        erratum = Reference.objects.create(pmid=35649368)
        retracted = Reference.objects.create(pmid=400712)
        unknown = Reference.objects.create(pmid=37909814)
    ids = [erratum.pk, retracted.pk, unknown.pk]

    wait_for(
        lambda: not Reference.objects.filter(pk__in=ids, fetch_status="pending").exists(),
        "the worker to fetch the three references",
        worker,
        timeout=90,
    )

    erratum.refresh_from_db()
    assert erratum.fetch_status == "fetched"
    assert erratum.doi == "10.1016/j.celrep.2022.110870"
    assert Reference.objects.get(pk=retracted.pk).retracted
    assert status_of(unknown.pk) == "not_found"
    assert len(efetches(standin)) == 1  # one transaction, one task, one batch
