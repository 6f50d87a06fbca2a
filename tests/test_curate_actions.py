"""Actions on a claim's page: each a POST that calls one Claim method; refusals become messages."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail

from curation.models import Action, Claim, Status
from tests.factories import make_approved_claim, make_claim, make_reference, make_submitted_claim

pytestmark = pytest.mark.django_db


def act(client, claim, action, **data):
    return client.post(f"/curate/claims/{claim.pk}/{action}/", data)


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_author_submits_their_draft(client, curator, gene):
    draft = make_claim(curator, gene=gene)
    client.force_login(curator)

    response = act(client, draft, "submit", version=draft.version)

    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert messages_of(response) == [("success", f"Claim #{draft.pk} submitted.")]


def test_submitting_without_citations_is_a_message_not_an_error(client, curator, gene):
    draft = make_claim(curator, gene=gene, references=[])
    client.force_login(curator)

    response = act(client, draft, "submit")

    assert response.status_code == 302
    assert messages_of(response) == [
        ("error", "A claim needs at least one citation before it is submitted.")
    ]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_reviewer_requests_changes_with_a_comment(client, curator, reviewer, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client.force_login(reviewer)

    missing = act(client, claim, "request_changes", comment="  ")
    response = act(client, claim, "request_changes", comment="Cite the mouse study.")

    assert messages_of(missing) == [
        ("error", "Say why: a comment is required to request changes on a claim.")
    ]
    claim.refresh_from_db()
    assert (claim.status, claim.reviewer) == (Status.CHANGES_REQUESTED, reviewer)
    event = claim.events.last()
    assert (event.action, event.actor, event.comment) == (
        Action.REQUEST_CHANGES,
        reviewer,
        "Cite the mouse study.",
    )
    assert response.status_code == 302


def test_reviewer_cannot_decide_on_their_own_claim(client, reviewer, gene):
    own = make_submitted_claim(reviewer, gene=gene)
    client.force_login(reviewer)

    response = act(client, own, "approve")

    assert messages_of(response) == [
        ("error", "You wrote this claim, so someone else must approve it (four-eyes rule).")
    ]
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED


def test_decision_on_a_stale_page_is_refused(client, curator, reviewer, other_reviewer, gene):
    claim = make_submitted_claim(curator, gene=gene)
    seen = claim.version
    claim.request_changes(other_reviewer, "Fix the wording.")
    client.force_login(reviewer)

    response = act(client, claim, "approve", version=seen)

    assert messages_of(response) == [("error", "Cannot approve a claim that is changes requested.")]
    claim.refresh_from_db()
    assert claim.status == Status.CHANGES_REQUESTED


def test_approve_with_unresolved_citation_needs_an_override_reason(client, curator, reviewer, gene):
    claim = make_submitted_claim(
        curator, gene=gene, references=[make_reference(pmid=1234, fetch_status="pending")]
    )
    client.force_login(reviewer)

    page = client.get(claim.get_absolute_url())
    refused = act(client, claim, "approve")
    approved = act(client, claim, "approve", override_reason="Checked the paper by hand.")

    assert "Not ready to approve: PMID 1234 has no metadata yet (pending)." in page.text
    assert 'name="override_reason"' in page.text
    assert messages_of(refused)[0][1].startswith("Cannot approve yet: PMID 1234")
    assert approved.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert claim.events.last().override_reason == "Checked the paper by hand."


def test_approve_with_a_comment(client, curator, reviewer, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client.force_login(reviewer)

    act(client, claim, "approve", comment="Nicely put.")

    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert claim.events.last().comment == "Nicely put."


def test_a_refused_comment_stops_the_decision_and_says_why(client, curator, reviewer, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client.force_login(reviewer)

    response = act(client, claim, "approve", comment="Fine\x1b[31m by me.")

    assert response.status_code == 302
    ((level, text),) = messages_of(response)
    assert level == "error" and text.startswith("Comment: ")
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


@pytest.mark.parametrize("action", ["reject", "retire"])
def test_reject_and_retire_need_a_comment(client, curator, reviewer, gene, action):
    claim = (
        make_submitted_claim(curator, gene=gene)
        if action == "reject"
        else make_approved_claim(curator, reviewer, gene=gene)
    )
    before = claim.status
    client.force_login(reviewer)

    act(client, claim, action)
    claim.refresh_from_db()
    assert claim.status == before

    act(client, claim, action, comment="Contradicted by PMID 1.")
    claim.refresh_from_db()
    assert claim.status == {"reject": Status.REJECTED, "retire": Status.RETIRED}[action]


def test_author_withdraws_a_draft(client, curator, gene):
    draft = make_claim(curator, gene=gene)
    client.force_login(curator)

    act(client, draft, "withdraw")

    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN


def test_revise_opens_a_draft_and_goes_to_its_edit_form(client, curator, reviewer, gene):
    approved = make_approved_claim(curator, reviewer, gene=gene)
    client.force_login(curator)

    response = act(client, approved, "revise")

    revision = Claim.objects.get(supersedes=approved)
    assert response["Location"] == f"/curate/claims/{revision.pk}/edit/"
    assert (revision.status, revision.author) == (Status.DRAFT, curator)


def test_unknown_action_is_not_found(client, curator, gene):
    draft = make_claim(curator, gene=gene)
    client.force_login(curator)

    assert act(client, draft, "delete").status_code == 404


def test_actions_take_post_only(client, curator, gene):
    draft = make_claim(curator, gene=gene)
    client.force_login(curator)

    response = client.get(f"/curate/claims/{draft.pk}/submit/")

    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_actions_need_the_csrf_token(curator, gene):
    from django.test import Client

    draft = make_claim(curator, gene=gene)
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)

    response = client.post(f"/curate/claims/{draft.pk}/submit/")

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_author_is_emailed_each_decision(
    client, reviewer, gene, django_capture_on_commit_callbacks
):
    from tests.factories import make_user

    author = make_user("cora", "curators", email="cora@example.org")
    claim = make_submitted_claim(author, gene=gene)
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, claim, "request_changes", comment="Cite the <b>mouse</b> study.")

    (message,) = mail.outbox
    assert message.to == ["cora@example.org"]
    assert message.subject == f"Claim #{claim.pk} on IRF7 was sent back for changes"
    assert "by rita" in message.body
    assert "Cite the <b>mouse</b> study." in message.body
    assert message.body.rstrip().endswith(f"/curate/claims/{claim.pk}/")


def test_decisions_in_the_admin_email_the_author_too(
    admin_log_in, reviewer, gene, django_capture_on_commit_callbacks
):
    from tests.factories import make_user

    author = make_user("cora", "curators", email="cora@example.org")
    claim = make_submitted_claim(author, gene=gene)
    client = admin_log_in(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/curation/claim/{claim.pk}/decide/approve/", {"version": claim.version})

    assert [m.subject for m in mail.outbox] == [f"Claim #{claim.pk} on IRF7 was approved"]


def test_no_email_for_moves_that_are_not_decisions(
    client, gene, django_capture_on_commit_callbacks
):
    from tests.factories import make_user

    author = make_user("cora", "curators", email="cora@example.org")
    draft = make_claim(author, gene=gene)
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, draft, "submit")

    assert mail.outbox == []
