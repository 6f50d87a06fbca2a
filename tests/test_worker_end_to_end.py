"""A real Celery worker process, on the configured broker (Redis in CI, a folder locally),
fetches references created in the database from the E-utilities stand-in. Workers killed
mid-batch are in test_faults_worker_kill.py."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from references.models import Reference
from tests.eutils_helpers import running_standin
from tests.fault_helpers import purge_queues

pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    """The URL of the test database, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_for(condition, what, worker_log, timeout=90):
    """Poll until `condition()` holds; fail with the worker's log if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{Path(worker_log).read_text()}")
        time.sleep(0.1)


@pytest.fixture
def standin():
    with running_standin() as standin:
        yield standin


@pytest.fixture
def worker(standin, tmp_path):
    purge_queues()  # messages left by earlier runs are not this test's
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "NCBI_EUTILS_URL": standin.eutils_url,
        "NCBI_IDCONV_URL": standin.idconv_url,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "curation", "worker",
        "-Q", f"celery,{settings.NCBI_QUEUE}", "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
        "--hostname", f"e2e-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT
        )
    process.log = log
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
        worker.log,
    )

    erratum.refresh_from_db()
    assert erratum.fetch_status == "fetched"
    assert erratum.doi == "10.1016/j.celrep.2022.110870"
    assert Reference.objects.get(pk=retracted.pk).retracted
    assert status_of(unknown.pk) == "not_found"
    efetches = [r for r in standin.requests if r.path.endswith("efetch.fcgi")]
    assert len(efetches) == 1  # one transaction, one task, one batch
