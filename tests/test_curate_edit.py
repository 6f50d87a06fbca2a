"""Editing a claim at /curate/claims/<id>/edit/: versioned, and a stale form loses nothing."""

import pytest

from curation.models import Action, Citation, Status
from tests.factories import make_approved_claim, make_claim, make_gene, make_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(curator, gene):
    return make_claim(
        curator, gene=gene, text="IRF7 is expressed.", references=[make_reference(pmid=9822609)]
    )


def edit_url(claim):
    return f"/curate/claims/{claim.pk}/edit/"


def form_data(claim, **overrides):
    data = {
        "section": claim.section,
        "evidence_type": claim.evidence_type,
        "organism": claim.organism,
        "text": claim.text,
        "citations": "PMID:9822609",
        "mentioned_genes": "",
        "version": claim.version,
    }
    return {**data, **overrides}


def test_edit_form_is_filled_with_the_claim(client, curator, draft):
    client.force_login(curator)

    response = client.get(edit_url(draft))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["text"] == "IRF7 is expressed."
    assert form.initial["citations"] == "PMID:9822609"
    assert form.initial["version"] == draft.version
    assert form.fields["gene"].disabled


def test_author_edits_text_and_citations_in_one_versioned_edit(client, curator, draft):
    stance_kept = draft.citations.get()
    Citation.objects.filter(pk=stance_kept.pk).update(stance="background", locator="Fig. 2")
    client.force_login(curator)

    response = client.post(
        edit_url(draft),
        form_data(
            draft, text="IRF7 is expressed in pDCs.", citations="9822609 10.1000/new", gene="TP53"
        ),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.text, draft.version, draft.gene.symbol) == (
        "IRF7 is expressed in pDCs.",
        2,
        "IRF7",
    )
    first, second = draft.citations.select_related("reference").order_by("position")
    assert (first.reference.pmid, first.stance, first.locator) == (9822609, "background", "Fig. 2")
    assert second.reference.doi == "10.1000/new"
    event = draft.events.last()
    assert (event.action, event.actor, event.snapshot["version"]) == (Action.EDIT, curator, 2)


def test_saving_an_unchanged_form_writes_nothing(client, curator, draft):
    client.force_login(curator)

    response = client.post(edit_url(draft), form_data(draft), follow=True)

    assert "Nothing changed." in response.text
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.events.count() == 1


def test_stale_edit_is_refused_shows_what_changed_and_keeps_the_typed_text(client, curator, draft):
    client.force_login(curator)
    opened = form_data(draft, text="My careful rewrite of the claim.")
    draft.edit(curator, version=1, text="IRF7 is expressed in B cells.")  # another tab

    response = client.post(edit_url(draft), opened)

    assert response.status_code == 200
    assert "This claim was changed by someone else (you edited version 1" in response.text
    conflict = response.context["conflict"]
    assert ("del", "expressed.") in conflict["diff"].text
    assert ("ins", "expressed in B cells.") in conflict["diff"].text
    assert "<del>expressed.</del><ins>expressed in B cells.</ins>" in response.text
    assert [e.action for e in conflict["events"]] == [Action.EDIT]
    assert "My careful rewrite of the claim." in response.text
    assert response.context["form"]["version"].value() == 2
    draft.refresh_from_db()
    assert draft.text == "IRF7 is expressed in B cells."

    again = client.post(edit_url(draft), {**opened, "version": 2})

    assert again.status_code == 302
    draft.refresh_from_db()
    assert (draft.text, draft.version) == ("My careful rewrite of the claim.", 3)


def test_edit_of_a_claim_submitted_meanwhile_is_refused_and_keeps_the_text(client, curator, draft):
    client.force_login(curator)
    opened = form_data(draft, text="A rewrite.")
    draft.submit(curator)

    response = client.post(edit_url(draft), opened, follow=True)

    assert "only its author or an admin can edit it" in response.text
    draft.refresh_from_db()
    assert (draft.status, draft.text) == (Status.SUBMITTED, "IRF7 is expressed.")


def test_revision_of_an_approved_claim_is_edited_and_shows_the_diff(
    client, curator, reviewer, gene
):
    approved = make_approved_claim(curator, reviewer, gene=gene, text="IRF7 binds DNA.")
    revision = approved.revise(curator)
    client.force_login(curator)

    client.post(
        edit_url(revision),
        form_data(revision, text="IRF7 binds DNA as a dimer.", citations=""),
    )
    response = client.get(revision.get_absolute_url())

    assert "<del>DNA.</del><ins>DNA as a dimer.</ins>" in response.text
    assert "Changes from the approved version" in response.text


def test_a_reference_without_identifiers_is_kept_as_ref_id(client, curator, gene):
    entry = make_reference(url="https://www.ncbi.nlm.nih.gov/gene/3665", title="Entrez Gene: IRF7")
    draft = make_claim(curator, gene=gene, references=[entry])
    client.force_login(curator)

    form = client.get(edit_url(draft)).context["form"]
    assert form.initial["citations"] == f"ref:{entry.pk}"
    response = client.post(
        edit_url(draft), form_data(draft, text="Changed.", citations=form.initial["citations"])
    )

    assert response.status_code == 302
    assert [c.reference for c in draft.citations.all()] == [entry]


def test_unknown_ref_id_is_a_form_error(client, curator, draft):
    client.force_login(curator)

    response = client.post(edit_url(draft), form_data(draft, citations="ref:999999"))

    assert response.context["form"].errors["citations"] == [
        "ref:999999 is no reference in the database."
    ]


def test_mentioned_genes_are_changed(client, curator, draft):
    irf3 = make_gene("IRF3")
    client.force_login(curator)

    client.post(edit_url(draft), form_data(draft, mentioned_genes="irf3"))

    assert list(draft.mentioned_genes.all()) == [irf3]
    assert draft.events.last().snapshot["mentioned_genes"] == ["IRF3"]
