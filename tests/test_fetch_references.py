"""Fetching references from (a stand-in for) PubMed: the step the Celery tasks run."""

import pytest

from references.eutils import EutilsClient, TransientError
from references.fetching import fetch_references
from references.models import Reference
from tests.eutils_helpers import CountingLimiter, running_standin
from tests.factories import make_approved_claim, make_reference
from tests.pubmed_fixtures import parsed

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin():
    with running_standin() as standin:
        yield standin


def client_for(standin, **options):
    return EutilsClient(
        base_url=standin.eutils_url,
        idconv_url=standin.idconv_url,
        tool="gene-curation-tests",
        email="tests@example.org",
        rate_limiter=CountingLimiter(),
        sleep=lambda seconds: None,
        **options,
    )


def pending(**fields):
    return make_reference(fetch_status="pending", title="", **fields)


def test_known_pmids_are_fetched_and_unknown_ones_not_found(standin):
    erratum, retracted = pending(pmid=35649368), pending(pmid=400712)
    missing = pending(pmid=37909814)

    counts = fetch_references([erratum.pk, retracted.pk, missing.pk], client=client_for(standin))

    assert counts == {"fetched": 2, "not_found": 1}
    erratum.refresh_from_db()
    assert erratum.fetch_status == "fetched"
    assert erratum.doi == "10.1016/j.celrep.2022.110870"
    assert Reference.objects.get(pk=retracted.pk).retracted
    missing.refresh_from_db()
    assert (missing.fetch_status, missing.fetch_attempts) == ("not_found", 1)
    efetches = [r for r in standin.requests if r.path.endswith("efetch.fcgi")]
    assert len(efetches) == 1  # one batch for all three


def test_doi_only_reference_gets_its_pmid_from_the_id_converter(standin):
    standin.add_article(pmid=35649368, doi="10.1016/j.celrep.2022.110870")
    by_doi = pending(doi="10.1016/J.CELREP.2022.110870")

    fetch_references([by_doi.pk], client=client_for(standin))

    by_doi.refresh_from_db()
    assert by_doi.pmid == 35649368
    assert by_doi.fetch_status == "fetched"
    assert by_doi.title == parsed("erratum_in", "35649368")["title"]


def test_doi_the_converter_does_not_know_is_not_found_with_the_reason(standin):
    unknown = pending(doi="10.9999/not.in.pmc")
    fetch_references([unknown.pk], client=client_for(standin))
    unknown.refresh_from_db()
    assert unknown.fetch_status == "not_found"
    assert "PMC articles only" in unknown.fetch_error


def test_ncbi_down_records_the_failure_keeps_metadata_and_raises_for_a_retry(standin):
    ref = make_reference(pmid=35649368, title="Typed by hand", fetch_status="pending")
    standin.fail("status", status=503, seconds=60)

    with pytest.raises(TransientError):
        fetch_references([ref.pk], client=client_for(standin, max_attempts=3))

    ref.refresh_from_db()
    assert ref.title == "Typed by hand"
    assert ref.fetch_status == "failed"
    assert ref.fetch_attempts == 1
    assert "503" in ref.fetch_error


def test_rate_limited_then_answered_fetch_succeeds(standin):
    ref = pending(pmid=35649368)
    standin.fail("status", status=429, times=2)
    fetch_references([ref.pk], client=client_for(standin))
    ref.refresh_from_db()
    assert ref.fetch_status == "fetched"


def test_refresh_that_finds_a_retraction_flags_approved_claims(standin, curator, reviewer):
    ref = make_reference(pmid=33104149, fetch_status="fetched", title="Before the retraction")
    claim = make_approved_claim(curator, reviewer, references=[ref])

    fetch_references([ref.pk], client=client_for(standin))

    claim.refresh_from_db()
    assert claim.flags == ["cites_retracted"]


def test_converter_down_records_the_failure_on_every_reference_and_raises_for_a_retry(standin):
    by_doi = pending(doi="10.1016/j.celrep.2022.110870")
    by_pmid = pending(pmid=400712)
    standin.fail("status", status=503, seconds=60)

    with pytest.raises(TransientError):
        fetch_references([by_doi.pk, by_pmid.pk], client=client_for(standin, max_attempts=2))

    for ref in (by_doi, by_pmid):
        ref.refresh_from_db()
        assert (ref.fetch_status, ref.fetch_attempts) == ("failed", 1)
        assert "503" in ref.fetch_error
