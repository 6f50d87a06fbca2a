"""Editing with versions, immutability of approved text, and revisions that supersede."""

import pytest
from django.db import IntegrityError, transaction

from curation.models import Claim, Conflict, Section, StaleVersion, Status
from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
)


def test_author_edits_text_citations_and_fields(curator):
    claim = make_claim(curator)
    new_ref = make_reference(pmid=11162841)
    partner = make_gene("IRF3")

    claim.edit(
        curator,
        version=1,
        text="  IRF7 interacts with IRF3.  ",
        section=Section.INTERACTIONS,
        evidence_type="in_vitro",
        organism="Homo sapiens",
        mentioned_genes=[partner],
        citations=[{"reference": new_ref, "stance": "supports", "locator": "Fig. 4"}],
        comment="Better source.",
    )

    claim.refresh_from_db()
    assert claim.text == "IRF7 interacts with IRF3."
    assert claim.section == "interactions"
    assert claim.version == 2
    assert [m.symbol for m in claim.mentioned_genes.all()] == ["IRF3"]
    assert [(c.reference.pmid, c.locator) for c in claim.citations.all()] == [(11162841, "Fig. 4")]
    event = claim.events.get(action="edit")
    assert event.comment == "Better source."
    assert event.snapshot["text"] == "IRF7 interacts with IRF3."
    assert event.snapshot["citations"][0]["pmid"] == "11162841"


def test_stale_edit_is_refused_and_keeps_the_newer_text(curator):
    claim = make_claim(curator, text="First text.")
    first_form = Claim.objects.get(pk=claim.pk)
    second_form = Claim.objects.get(pk=claim.pk)
    first_form.edit(curator, version=1, text="Edit from the first tab.")

    with pytest.raises(StaleVersion) as refused:
        second_form.edit(curator, version=1, text="Edit from the second tab.")

    assert refused.value.code == "stale_version"
    assert "version 1" in refused.value.message and "version 2" in refused.value.message
    claim.refresh_from_db()
    assert claim.text == "Edit from the first tab."
    assert claim.events.filter(action="edit").count() == 1


def test_transition_with_a_stale_version_is_refused(curator):
    claim = make_claim(curator)
    claim.edit(curator, version=1, text="Changed meanwhile.")
    with pytest.raises(StaleVersion):
        claim.submit(curator, version=1)
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_text_under_review_or_approved_cannot_be_edited(status, curator, reviewer):
    claim = (
        make_submitted_claim(curator)
        if status == "submitted"
        else make_approved_claim(curator, reviewer)
    )
    with pytest.raises(Conflict) as refused:
        claim.edit(curator, version=claim.version, text="Sneaky change.")
    assert refused.value.code == "not_editable"
    claim.refresh_from_db()
    assert claim.text != "Sneaky change."


def test_approved_claim_points_to_revision(curator, reviewer):
    claim = make_approved_claim(curator, reviewer)
    with pytest.raises(Conflict) as refused:
        claim.edit(curator, version=claim.version, text="x")
    assert "open a revision" in refused.value.message


def test_edit_rejects_unknown_fields(curator):
    claim = make_claim(curator)
    with pytest.raises(TypeError):
        claim.edit(curator, version=1, status="approved")


def test_revision_supersedes_the_original_when_approved(curator, other_curator, reviewer):
    original = make_approved_claim(curator, reviewer, text="IRF7 regulates IFN-alpha genes.")
    revision = original.revise(other_curator, "Add the tissue restriction.")

    assert revision.status == Status.DRAFT
    assert revision.author == other_curator
    assert revision.supersedes == original
    assert revision.position == original.position
    assert [c.reference_id for c in revision.citations.all()] == [
        c.reference_id for c in original.citations.all()
    ]
    assert revision.events.get().action == "revise"

    revision.edit(
        other_curator, version=revision.version, text="IRF7 regulates IFN-alpha genes in pDCs."
    )
    revision.submit(other_curator)
    original.refresh_from_db()
    assert original.status == Status.APPROVED  # still public while the revision is reviewed

    revision.approve(reviewer)
    original.refresh_from_db()
    assert original.status == Status.SUPERSEDED
    assert list(Claim.objects.public()) == [revision]
    supersede = original.events.get(action="supersede")
    assert supersede.actor == reviewer
    assert f"#{revision.pk}" in supersede.comment


def test_only_one_open_revision_at_a_time(curator, other_curator, reviewer):
    original = make_approved_claim(curator, reviewer)
    first = original.revise(curator)
    with pytest.raises(Conflict) as refused:
        original.revise(other_curator)
    assert refused.value.code == "revision_exists"
    assert f"#{first.pk}" in refused.value.message


def test_database_allows_one_open_revision(curator, reviewer):
    original = make_approved_claim(curator, reviewer)
    original.revise(curator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(gene=original.gene, author=curator, supersedes=original, text="x")


def test_rejected_revision_leaves_the_original_public(curator, reviewer):
    original = make_approved_claim(curator, reviewer)
    revision = original.revise(curator)
    revision.submit(curator)
    revision.reject(reviewer, "The original was better.")
    original.refresh_from_db()
    assert original.status == Status.APPROVED
    assert original.revise(curator).status == Status.DRAFT  # a new revision may now be opened


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_only_approved_claims_can_be_revised(status, curator):
    claim = make_claim(curator) if status == "draft" else make_submitted_claim(curator)
    with pytest.raises(Conflict):
        claim.revise(curator)


def test_positions_follow_creation_order_within_a_section(curator):
    gene = make_gene()
    first = make_claim(curator, gene=gene)
    second = make_claim(curator, gene=gene)
    other_section = make_claim(curator, gene=gene, section=Section.CLINICAL)
    assert (first.position, second.position, other_section.position) == (0, 1, 0)


def test_duplicate_reference_in_citations_is_cited_once(curator):
    ref = make_reference()
    claim = make_claim(curator, references=[ref, ref])
    assert claim.citations.count() == 1
