"""Bulk review actions on the claim list: each claim through its model method."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from curation.models import Action, Status
from tests.factories import make_approved_claim, make_claim, make_reference, make_submitted_claim

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/curation/claim/"


def run_action(client, action, claims, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in claims], **extra}
    if "apply" not in extra:  # the changelist's own form; an intermediate page sends no index
        data["index"] = 0
    return client.post(CHANGELIST, data)


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_reviewer_approves_others_claims_but_not_their_own(
    admin_log_in, reviewer, curator, other_curator, gene
):
    mine = make_submitted_claim(reviewer, gene=gene)
    theirs = make_submitted_claim(curator, gene=gene)
    also_theirs = make_submitted_claim(other_curator, gene=gene)
    client = admin_log_in(reviewer)

    response = run_action(client, "approve_claims", [mine, theirs, also_theirs])

    assert response.status_code == 302
    for claim in (theirs, also_theirs):
        claim.refresh_from_db()
        assert (claim.status, claim.reviewer) == (Status.APPROVED, reviewer)
        event = claim.events.last()
        assert (event.action, event.actor) == (Action.APPROVE, reviewer)
        assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.APPROVED)
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED
    assert not mine.events.filter(action=Action.APPROVE).exists()
    assert messages_of(response) == [
        (
            "warning",
            f"Claim #{mine.pk} (IRF7): You wrote this claim, so someone else must approve it "
            "(four-eyes rule).",
        ),
        ("success", "2 of 3 selected claims approved."),
    ]


def test_approve_action_reports_wrong_status_and_unresolved_references(
    admin_log_in, reviewer, curator, gene
):
    draft = make_claim(curator, gene=gene)
    unresolved = make_submitted_claim(
        curator, gene=gene, references=[make_reference(fetch_status="pending", pmid=1234)]
    )
    client = admin_log_in(reviewer)

    response = run_action(client, "approve_claims", [draft, unresolved])

    warnings = [text for level, text in messages_of(response) if level == "warning"]
    assert warnings[0] == f"Claim #{draft.pk} (IRF7): Cannot approve a claim that is draft."
    assert warnings[1].startswith(f"Claim #{unresolved.pk} (IRF7): Cannot approve yet: PMID 1234")
    assert warnings[2] == "0 of 2 selected claims approved."
    unresolved.refresh_from_db()
    assert unresolved.status == Status.SUBMITTED


def test_curator_submits_their_drafts_and_is_told_about_the_rest(
    admin_log_in, curator, other_curator, gene
):
    ready = make_claim(curator, gene=gene)
    empty = make_claim(curator, gene=gene, references=[])
    client = admin_log_in(curator)

    response = run_action(client, "submit_claims", [ready, empty])

    ready.refresh_from_db()
    empty.refresh_from_db()
    assert ready.status == Status.SUBMITTED
    assert ready.events.last().actor == curator
    assert empty.status == Status.DRAFT
    assert (
        "warning",
        f"Claim #{empty.pk} (IRF7): A claim needs at least one citation before it is submitted.",
    ) in messages_of(response)
    assert ("success", "1 of 2 selected claims submitted.") in messages_of(response)


def test_withdraw_action_withdraws_only_the_authors_own_drafts(
    admin_log_in, curator, reviewer, other_curator, gene
):
    mine = make_claim(curator, gene=gene)
    approved = make_approved_claim(curator, reviewer, gene=gene)
    client = admin_log_in(curator)

    response = run_action(client, "withdraw_claims", [mine, approved])

    mine.refresh_from_db()
    approved.refresh_from_db()
    assert mine.status == Status.WITHDRAWN
    assert approved.status == Status.APPROVED
    assert ("success", "1 of 2 selected claims withdrawn.") in messages_of(response)


def test_curator_is_not_offered_the_reviewer_actions(admin_log_in, curator, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client = admin_log_in(curator)

    page = client.get(CHANGELIST)
    response = run_action(client, "approve_claims", [claim])

    actions = [value for value, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_claims" in actions
    assert "approve_claims" not in actions
    assert ("warning", "No action selected.") in messages_of(response)
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_reject_action_asks_for_a_comment_then_rejects_each_claim(
    admin_log_in, reviewer, curator, gene
):
    first = make_submitted_claim(curator, gene=gene)
    second = make_submitted_claim(curator, gene=gene)
    client = admin_log_in(reviewer)

    page = run_action(client, "reject_claims", [first, second])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/curation/claim/decide.html"
    assert '<input type="hidden" name="action" value="reject_claims">' in page.text
    assert '<input type="hidden" name="apply" value="yes">' in page.text
    missing = run_action(client, "reject_claims", [first, second], apply="yes", comment="")
    assert "This field is required." in missing.text

    response = run_action(
        client, "reject_claims", [first, second], apply="yes", comment="Not about IRF7."
    )

    assert response.status_code == 302
    for claim in (first, second):
        claim.refresh_from_db()
        assert claim.status == Status.REJECTED
        event = claim.events.last()
        assert (event.action, event.actor, event.comment) == (
            Action.REJECT,
            reviewer,
            "Not about IRF7.",
        )
    assert ("success", "2 of 2 selected claims rejected.") in messages_of(response)


def test_request_changes_and_retire_actions_use_the_comment(admin_log_in, reviewer, curator, gene):
    submitted = make_submitted_claim(curator, gene=gene)
    approved = make_approved_claim(curator, reviewer, gene=gene)
    client = admin_log_in(reviewer)

    run_action(client, "request_changes_on_claims", [submitted], apply="yes", comment="Cite it.")
    run_action(client, "retire_claims", [approved], apply="yes", comment="Outdated.")

    submitted.refresh_from_db()
    approved.refresh_from_db()
    assert submitted.status == Status.CHANGES_REQUESTED
    assert submitted.events.last().comment == "Cite it."
    assert approved.status == Status.RETIRED
    assert approved.events.last().comment == "Outdated."


def test_changelist_shows_the_review_columns(admin_log_in, reviewer, curator, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client = admin_log_in(reviewer)

    response = client.get(CHANGELIST, {"status__exact": "submitted"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [claim]
    assert "in review" in response.text
    assert reverse("admin:curation_claim_change", args=[claim.pk]) in response.text


def test_approve_with_comment_asks_once_then_refuses_own_claims_one_by_one(
    admin_log_in, reviewer, curator, gene
):
    mine = make_submitted_claim(reviewer, gene=gene)
    theirs = make_submitted_claim(curator, gene=gene)
    client = admin_log_in(reviewer)

    page = run_action(client, "approve_claims_with_comment", [mine, theirs])
    assert page.status_code == 200
    assert 'name="comment"' in page.text
    assert 'name="override_reason"' not in page.text

    response = run_action(
        client, "approve_claims_with_comment", [mine, theirs], apply="yes", comment="Well cited."
    )

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.status == Status.APPROVED
    assert theirs.events.last().comment == "Well cited."
    assert mine.status == Status.SUBMITTED
    assert messages_of(response) == [
        (
            "warning",
            f"Claim #{mine.pk} (IRF7): You wrote this claim, so someone else must approve it "
            "(four-eyes rule).",
        ),
        ("success", "1 of 2 selected claims approved."),
    ]


def test_bulk_reject_refuses_own_claims_one_by_one(admin_log_in, reviewer, curator, gene):
    mine = make_submitted_claim(reviewer, gene=gene)
    theirs = make_submitted_claim(curator, gene=gene)
    client = admin_log_in(reviewer)

    response = run_action(client, "reject_claims", [mine, theirs], apply="yes", comment="No.")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Status.SUBMITTED, Status.REJECTED)
    assert ("success", "1 of 2 selected claims rejected.") in messages_of(response)
