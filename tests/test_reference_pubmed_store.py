"""Storing PubMed records on references: PubMed is the authority, but nothing stored is ever blanked."""

import pytest

from curation.models import Status
from references.models import Reference
from tests.factories import make_approved_claim, make_claim, make_reference
from tests.pubmed_fixtures import parsed

pytestmark = pytest.mark.django_db


def test_fetched_record_fills_the_reference():
    ref = make_reference(pmid=35649368, title="", fetch_status="pending")
    ref.fetch_attempts = 2
    changed = ref.apply_pubmed(parsed("erratum_in", "35649368"))

    ref.refresh_from_db()
    assert {"title", "doi", "authors", "abstract", "erratum_pmids"} <= set(changed)
    assert ref.doi == "10.1016/j.celrep.2022.110870"
    assert ref.erratum_pmids == ["35767954"]
    assert ref.fetch_status == Reference.FetchStatus.FETCHED
    assert ref.fetched_at is not None
    assert (ref.fetch_error, ref.fetch_attempts) == ("", 0)


def test_refetching_the_same_record_changes_nothing():
    ref = make_reference(pmid=35649368, fetch_status="pending")
    ref.apply_pubmed(parsed("erratum_in", "35649368"))
    assert ref.apply_pubmed(parsed("erratum_in", "35649368")) == []


def test_empty_values_in_a_record_never_erase_stored_metadata():
    ref = make_reference(pmid=12091962, abstract="Typed in by a curator.", fetch_status="pending")
    record = parsed("season_no_abstract", "12091962")
    assert record["abstract"] is None

    ref.apply_pubmed(record)
    ref.refresh_from_db()
    assert ref.abstract == "Typed in by a curator."
    assert ref.published == "1990"  # "1990 Spring": a Season date keeps its year only


def test_failed_fetch_keeps_metadata_and_counts_attempts():
    ref = make_reference(pmid=9822609, title="Differential viral induction", fetch_status="pending")
    ref.record_fetch_failure("HTTP 503 from E-utilities after 5 attempts")
    ref.record_fetch_failure("HTTP 503 from E-utilities after 5 attempts")

    ref.refresh_from_db()
    assert ref.title == "Differential viral induction"
    assert ref.fetch_status == Reference.FetchStatus.FAILED
    assert ref.fetch_attempts == 2
    assert "503" in ref.fetch_error


def test_failed_refresh_of_a_fetched_reference_keeps_it_resolved():
    ref = make_reference(pmid=35649368, fetch_status="pending")
    ref.apply_pubmed(parsed("erratum_in", "35649368"))
    ref.record_fetch_failure("timed out")
    ref.refresh_from_db()
    assert ref.fetch_status == Reference.FetchStatus.FETCHED
    assert ref.is_resolved
    assert (ref.fetch_error, ref.fetch_attempts) == ("timed out", 1)


def test_unknown_pmid_is_not_found_not_failed():
    ref = make_reference(pmid=37909814, fetch_status="pending")
    ref.record_not_found()
    ref.refresh_from_db()
    assert ref.fetch_status == Reference.FetchStatus.NOT_FOUND
    assert "37909814" in ref.fetch_error


def test_newly_retracted_paper_flags_the_approved_claims_citing_it(curator, reviewer):
    ref = make_reference(pmid=33104149, fetch_status="fetched")
    approved = make_approved_claim(curator, reviewer, references=[ref])
    draft = make_claim(curator, references=[ref])

    ref.apply_pubmed(parsed("retraction_pair", "33104149"))

    approved.refresh_from_db()
    draft.refresh_from_db()
    assert approved.flags == ["cites_retracted"]
    assert (
        approved.status == Status.APPROVED
    )  # flagged for review, still public until a reviewer acts
    assert draft.flags == []
    event = approved.events.get(action="flag")
    assert event.comment == "PMID 33104149 was retracted (notice: PMID 34095918)."


def test_known_retraction_does_not_flag_again(curator, reviewer):
    ref = make_reference(pmid=33104149, fetch_status="fetched")
    claim = make_approved_claim(curator, reviewer, references=[ref])
    ref.apply_pubmed(parsed("retraction_pair", "33104149"))
    ref.apply_pubmed(parsed("retraction_pair", "33104149"))
    assert claim.events.filter(action="flag").count() == 1


def test_expression_of_concern_flags_citing_claims(curator, reviewer):
    ref = make_reference(pmid=32090497, fetch_status="fetched")
    claim = make_approved_claim(curator, reviewer, references=[ref])
    ref.apply_pubmed(parsed("retraction_pair", "32090497"))
    claim.refresh_from_db()
    assert claim.flags == ["cites_expression_of_concern"]
    assert "34096680" in claim.events.get(action="flag").comment


def test_deleted_pmid_flags_citing_claims(curator, reviewer):
    ref = make_reference(pmid=35649368, fetch_status="pending")
    ref.apply_pubmed(parsed("erratum_in", "35649368"))
    claim = make_approved_claim(curator, reviewer, references=[ref])
    ref.record_not_found()
    claim.refresh_from_db()
    assert claim.flags == ["cites_deleted"]
    ref.refresh_from_db()
    assert ref.title  # the metadata stays


def test_older_version_never_replaces_a_newer_one():
    v1 = parsed("versioned_pmid", "34017925")  # the file's first record is version 1
    assert v1["pmid_version"] == 1
    ref = make_reference(pmid=34017925, fetch_status="pending")
    v2 = dict(v1, pmid_version=2, doi="10.12688/wellcomeopenres.16595.2")
    ref.apply_pubmed(v2)
    assert ref.apply_pubmed(v1) == []
    ref.refresh_from_db()
    assert (ref.pmid_version, ref.doi) == (2, "10.12688/wellcomeopenres.16595.2")


def test_identifier_held_by_another_reference_is_not_copied():
    other = make_reference(doi="10.1016/j.celrep.2022.110870", title="Same paper, entered by DOI")
    ref = make_reference(pmid=35649368, fetch_status="pending")
    ref.apply_pubmed(parsed("erratum_in", "35649368"))
    ref.refresh_from_db()
    assert ref.doi is None
    assert Reference.objects.get(pk=other.pk).doi == "10.1016/j.celrep.2022.110870"


def test_upsert_creates_then_reports_unchanged():
    record = parsed("erratum_in", "35649368")
    ref, outcome = Reference.objects.upsert_pubmed(record)
    assert outcome == "created" and ref.pmid == 35649368
    assert Reference.objects.upsert_pubmed(record)[1] == "unchanged"
    assert Reference.objects.upsert_pubmed(dict(record, pages="1-2"))[1] == "updated"
