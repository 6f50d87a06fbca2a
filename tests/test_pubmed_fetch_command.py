import io

import pytest
from django.core.management import CommandError, call_command

from references.models import Reference
from tests.factories import make_reference

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("pubmed_fetch", *args, stdout=out)
    return out.getvalue().strip()


def test_given_pmids_are_created_and_queued_once(sent, django_capture_on_commit_callbacks):
    known = make_reference(pmid=9822609)
    with django_capture_on_commit_callbacks(execute=True):
        out = run("9822609", "PMID: 11162841", "11162841")
    assert out == "Queued 2 given (1 new) reference(s) in 1 task(s)."
    new = Reference.objects.get(pmid=11162841)
    assert new.fetch_status == "pending"
    assert [sorted(batch) for batch in sent] == [sorted([known.pk, new.pk])]


def test_pending_option_queues_every_pending_reference(sent):
    make_reference(pmid=1, fetch_status="pending")
    make_reference(pmid=2, fetch_status="fetched")
    assert run("--pending") == "Queued 1 pending reference(s) in 1 task(s)."
    assert len(sent) == 1


def test_bad_pmid_is_refused_and_nothing_created(sent):
    with pytest.raises(CommandError, match="'abc' is not a PMID"):
        run("123", "abc")
    assert not Reference.objects.exists()


def test_pmids_and_options_do_not_mix():
    with pytest.raises(CommandError):
        run("123", "--pending")
