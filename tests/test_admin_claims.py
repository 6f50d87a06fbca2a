"""Writing and editing claims in the admin: always through the workflow methods."""

from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.models import Action, Claim, ClaimQuerySet, Forbidden, Status
from tests.factories import make_approved_claim, make_claim, make_reference

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """What a browser would post from the form with id `form_id` (no button pressed)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.select = None
        self.textarea = None
        self.data = defaultdict(list)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name") or ""
        if "__prefix__" in name:  # the inline's template for new rows
            return
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.data[name].append(attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.data[name].append("")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")


def change_url(claim):
    return reverse("admin:curation_claim_change", args=[claim.pk])


def open_form(client, url):
    """GET the claim's admin form; return the data a browser would post back."""
    response = client.get(url)
    assert response.status_code == 200
    parser = FormFields("claim_form")
    parser.feed(response.text)
    return dict(parser.data)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(curator, gene):
    return make_claim(curator, gene=gene, text="IRF7 regulates interferon-alpha genes.")


# Editing


def test_author_editing_a_draft_writes_one_edit_event_and_bumps_the_version(
    admin_log_in, curator, draft
):
    client = admin_log_in(curator)
    data = open_form(client, change_url(draft))
    data["text"] = "IRF7 is the master regulator of type I interferon responses."

    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "IRF7 is the master regulator of type I interferon responses."
    assert draft.version == 2
    assert draft.status == Status.DRAFT
    assert [(e.action, e.actor) for e in draft.events.all()] == [
        (Action.CREATE, curator),
        (Action.EDIT, curator),
    ]
    assert draft.events.last().snapshot["text"] == draft.text
    assert draft.citations.count() == 1


def test_saving_without_changes_writes_no_event(admin_log_in, curator, draft):
    client = admin_log_in(curator)
    data = open_form(client, change_url(draft))

    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 1
    assert draft.events.count() == 1


def test_multi_line_text_sent_with_crlf_is_not_a_change(admin_log_in, curator, gene):
    claim = make_claim(curator, gene=gene, text="First line.\nSecond line.")
    client = admin_log_in(curator)
    data = open_form(client, change_url(claim))
    data["text"] = "First line.\r\nSecond line."

    client.post(change_url(claim), data)

    claim.refresh_from_db()
    assert claim.version == 1


def test_stale_edit_is_refused_and_keeps_what_the_user_typed(admin_log_in, curator, draft):
    client = admin_log_in(curator)
    data = open_form(client, change_url(draft))
    draft.edit(curator, version=1, text="Changed in another tab.")
    data["text"] = "My careful rewording of the claim."

    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert "This claim was changed by someone else" in response.text
    assert "My careful rewording of the claim." in response.text
    draft.refresh_from_db()
    assert draft.text == "Changed in another tab."
    assert draft.version == 2
    assert draft.events.filter(action=Action.EDIT).count() == 1


def test_editing_citations_in_the_inline_writes_one_edit_event(admin_log_in, curator, draft):
    old = draft.citations.get().reference
    new = make_reference(pmid=9822609, title="Differential viral induction")
    client = admin_log_in(curator)
    data = open_form(client, change_url(draft))
    data.update(
        {
            "citations-0-DELETE": "on",
            "citations-1-reference": str(new.pk),
            "citations-1-stance": "supports",
            "citations-1-locator": "Fig. 3",
            "citations-TOTAL_FORMS": "2",
        }
    )

    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert [(c.reference, c.locator) for c in draft.citations.all()] == [(new, "Fig. 3")]
    assert draft.version == 2
    (edit,) = draft.events.filter(action=Action.EDIT)
    assert [c["reference"] for c in edit.snapshot["citations"]] == [new.pk]
    assert old.pk not in [c["reference"] for c in edit.snapshot["citations"]]


def test_citation_positions_from_the_inline_set_the_order(admin_log_in, curator, gene):
    first, second = make_reference(), make_reference()
    claim = make_claim(curator, gene=gene, references=[first, second])
    client = admin_log_in(curator)
    data = open_form(client, change_url(claim))
    data.update({"citations-0-position": "5", "citations-1-position": "1"})

    client.post(change_url(claim), data)

    assert [c.reference for c in claim.citations.order_by("position")] == [second, first]
    assert claim.events.filter(action=Action.EDIT).count() == 1


def test_non_author_reviewer_sees_a_draft_read_only_and_cannot_change_it(
    admin_log_in, reviewer, curator, draft
):
    client = admin_log_in(reviewer)

    page = client.get(change_url(draft))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="text"' not in page.text

    data = {"text": "A reviewer's rewrite.", "seen_version": "1", "section": "summary"}
    response = client.post(change_url(draft), data)

    assert response.status_code == 302
    assert any("only its author or an admin can edit it" in m for m in messages_of(response))
    draft.refresh_from_db()
    assert draft.text == "IRF7 regulates interferon-alpha genes."
    assert draft.version == 1
    assert draft.events.count() == 1


def test_author_cannot_edit_a_submitted_claim(admin_log_in, curator, draft):
    draft.submit(curator)
    client = admin_log_in(curator)

    page = client.get(change_url(draft))
    response = client.post(change_url(draft), {"text": "Sneaky change.", "seen_version": "2"})

    assert 'name="text"' not in page.text
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "IRF7 regulates interferon-alpha genes."


def test_admin_may_edit_someone_elses_draft(admin_log_in, admin, curator, draft):
    client = admin_log_in(admin)
    data = open_form(client, change_url(draft))
    data["text"] = "Corrected by an admin."

    client.post(change_url(draft), data)

    draft.refresh_from_db()
    assert draft.text == "Corrected by an admin."
    assert draft.events.last().actor == admin
    assert draft.author == curator


def test_change_page_queries_do_not_grow_with_the_history(admin_log_in, curator, draft):
    client = admin_log_in(curator)
    with CaptureQueriesContext(connection) as short_history:
        client.get(change_url(draft))
    for _ in range(10):
        draft.edit(curator, version=draft.version, text=f"Version {draft.version + 1}.")

    with CaptureQueriesContext(connection) as long_history:
        response = client.get(change_url(draft))

    assert len(response.context["inline_admin_formsets"][1].formset.forms) == 11
    assert len(long_history) == len(short_history)


# Adding


def test_adding_a_claim_makes_a_draft_by_the_logged_in_user_with_one_event(
    admin_log_in, curator, gene
):
    reference = make_reference()
    client = admin_log_in(curator)
    data = open_form(client, reverse("admin:curation_claim_add"))
    data.update(
        {
            "gene": str(gene.pk),
            "text": "IRF7 is induced by type I interferon.",
            "section": "function",
            "evidence_type": "in_vitro",
            "organism": "Homo sapiens",
            "citations-0-reference": str(reference.pk),
            "citations-0-locator": "p. 1226",
        }
    )

    response = client.post(reverse("admin:curation_claim_add"), data)

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert (claim.author, claim.status, claim.version) == (curator, Status.DRAFT, 1)
    assert (claim.gene, claim.section, claim.evidence_type) == (gene, "function", "in_vitro")
    assert [(c.reference, c.locator) for c in claim.citations.all()] == [(reference, "p. 1226")]
    (event,) = claim.events.all()
    assert (event.action, event.actor) == (Action.CREATE, curator)
    assert event.snapshot["citations"][0]["reference"] == reference.pk


def test_a_refused_create_becomes_a_message(admin_log_in, curator, gene, monkeypatch):
    def refuse(self, **kwargs):
        raise Forbidden("Only curators can write claims.", code="not_curator")

    monkeypatch.setattr(ClaimQuerySet, "create_draft", refuse)
    client = admin_log_in(curator)
    data = open_form(client, reverse("admin:curation_claim_add"))
    data.update({"gene": str(gene.pk), "text": "Anything."})

    response = client.post(reverse("admin:curation_claim_add"), data)

    assert response.status_code == 302
    assert "Only curators can write claims." in messages_of(response)
    assert not Claim.objects.exists()


# Review actions on the change page


def decide_url(claim, action):
    return reverse("admin:curation_claim_decide", args=[claim.pk, action])


def test_change_page_offers_the_decisions_the_user_may_take(admin_log_in, reviewer, curator, draft):
    draft.submit(curator)
    client = admin_log_in(reviewer)

    page = client.get(change_url(draft))

    assert [a for a, _ in page.context["review_actions"]] == [
        Action.APPROVE,
        Action.REQUEST_CHANGES,
        Action.REJECT,
    ]
    assert decide_url(draft, "approve") in page.text


def test_reviewer_approves_with_an_override_reason_from_the_review_page(
    admin_log_in, reviewer, curator, gene
):
    pending = make_reference(fetch_status="pending")
    claim = make_claim(curator, gene=gene, references=[pending])
    claim.submit(curator)
    client = admin_log_in(reviewer)

    refused = client.post(decide_url(claim, "approve"), {"version": "2"})
    assert refused.status_code == 200
    assert "Cannot approve yet" in refused.text

    response = client.post(
        decide_url(claim, "approve"),
        {"version": "2", "override_reason": "Metadata checked by hand."},
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.reviewer) == (Status.APPROVED, reviewer)
    event = claim.events.last()
    assert (event.action, event.override_reason) == (Action.APPROVE, "Metadata checked by hand.")


def test_reject_from_the_review_page_needs_a_comment(admin_log_in, reviewer, curator, draft):
    draft.submit(curator)
    client = admin_log_in(reviewer)

    missing = client.post(decide_url(draft, "reject"), {"version": "2"})
    response = client.post(decide_url(draft, "reject"), {"version": "2", "comment": "Off topic."})

    assert missing.status_code == 200
    assert "This field is required." in missing.text
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.REJECTED
    assert draft.events.last().comment == "Off topic."


def test_decision_on_a_stale_version_is_refused(admin_log_in, reviewer, curator, draft):
    draft.submit(curator)
    client = admin_log_in(reviewer)
    page = client.get(decide_url(draft, "approve") + "?version=1")

    response = client.post(decide_url(draft, "approve"), {"version": "1"})

    assert 'name="version" value="1"' in page.text
    assert response.status_code == 200
    assert "This claim was changed by someone else" in response.text
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_reviewer_cannot_approve_their_own_claim_from_the_review_page(admin_log_in, reviewer, gene):
    claim = make_claim(reviewer, gene=gene)
    claim.submit(reviewer)
    client = admin_log_in(reviewer)

    response = client.post(decide_url(claim, "approve"), {"version": "2"})

    assert response.status_code == 200
    assert "four-eyes" in response.text
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_revising_an_approved_claim_opens_the_new_draft(admin_log_in, curator, reviewer, gene):
    approved = make_approved_claim(curator, reviewer, gene=gene)
    client = admin_log_in(curator)

    response = client.post(decide_url(approved, "revise"), {"comment": "Newer data."})

    revision = Claim.objects.get(supersedes=approved)
    assert response.status_code == 302
    assert response["Location"] == change_url(revision)
    assert (revision.status, revision.author) == (Status.DRAFT, curator)


def test_unknown_decision_is_not_found(admin_log_in, reviewer, draft):
    client = admin_log_in(reviewer)

    assert client.get(decide_url(draft, "delete")).status_code == 404
