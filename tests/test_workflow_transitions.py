"""Every transition from every state: allowed moves change status and write one event; illegal ones are refused."""

import pytest

from curation.models import Claim, Conflict, Invalid, ReviewEvent, Status
from tests.factories import make_approved_claim, make_claim, make_reference, make_submitted_claim


def test_full_cycle_records_every_step(curator, reviewer):
    claim = make_claim(curator)
    claim.submit(curator, "Ready.")
    claim.request_changes(reviewer, "Please cite the primary paper.")
    claim.edit(curator, version=claim.version, text="IRF7 regulates many interferon-alpha genes.")
    claim.submit(curator)
    claim.approve(reviewer, "Well supported.")

    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert claim.reviewer == reviewer
    assert claim.decided_at is not None and claim.submitted_at is not None
    events = list(claim.events.values_list("action", "from_status", "to_status", "actor__username"))
    assert events == [
        ("create", "", "draft", "carla"),
        ("submit", "draft", "submitted", "carla"),
        ("request_changes", "submitted", "changes_requested", "rita"),
        ("edit", "changes_requested", "changes_requested", "carla"),
        ("submit", "changes_requested", "submitted", "carla"),
        ("approve", "submitted", "approved", "rita"),
    ]
    assert claim.events.get(action="request_changes").comment == "Please cite the primary paper."


def test_every_change_bumps_the_version(curator, reviewer):
    claim = make_claim(curator)
    assert claim.version == 1
    claim.submit(curator)
    assert claim.version == 2
    claim.approve(reviewer)
    assert claim.version == 3


@pytest.mark.parametrize(
    "start,action",
    [
        (Status.SUBMITTED, "submit"),
        (Status.APPROVED, "submit"),
        (Status.DRAFT, "approve"),
        (Status.APPROVED, "approve"),
        (Status.DRAFT, "reject"),
        (Status.CHANGES_REQUESTED, "reject"),
        (Status.DRAFT, "request_changes"),
        (Status.SUBMITTED, "withdraw"),
        (Status.APPROVED, "withdraw"),
        (Status.SUBMITTED, "retire"),
        (Status.DRAFT, "retire"),
        (Status.REJECTED, "submit"),
        (Status.WITHDRAWN, "submit"),
        (Status.RETIRED, "approve"),
    ],
)
def test_illegal_move_is_refused_and_changes_nothing(start, action, curator, reviewer):
    claim = make_claim(curator)
    reach = {
        Status.DRAFT: [],
        Status.SUBMITTED: [lambda: claim.submit(curator)],
        Status.APPROVED: [lambda: claim.submit(curator), lambda: claim.approve(reviewer)],
        Status.CHANGES_REQUESTED: [
            lambda: claim.submit(curator),
            lambda: claim.request_changes(reviewer, "x"),
        ],
        Status.REJECTED: [lambda: claim.submit(curator), lambda: claim.reject(reviewer, "x")],
        Status.WITHDRAWN: [lambda: claim.withdraw(curator)],
        Status.RETIRED: [
            lambda: claim.submit(curator),
            lambda: claim.approve(reviewer),
            lambda: claim.retire(reviewer, "x"),
        ],
    }
    for step in reach[start]:
        step()
    assert claim.status == start
    actor = curator if action in ("submit", "withdraw") else reviewer
    events = ReviewEvent.objects.count()

    with pytest.raises(Conflict) as refused:
        if action in ("reject", "request_changes", "retire"):
            getattr(claim, action)(actor, "A reason.")
        else:
            getattr(claim, action)(actor)

    assert refused.value.code == "illegal_transition"
    claim.refresh_from_db()
    assert claim.status == start
    assert ReviewEvent.objects.count() == events


def test_changes_requested_claim_can_be_withdrawn(curator, reviewer):
    claim = make_submitted_claim(curator)
    claim.request_changes(reviewer, "Needs a better source.")
    claim.withdraw(curator, "Giving up on this one.")
    assert claim.status == Status.WITHDRAWN


def test_submit_needs_text(curator):
    claim = make_claim(curator, text="   ")
    with pytest.raises(Invalid) as refused:
        claim.submit(curator)
    assert refused.value.code == "empty_text"
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_submit_needs_a_citation(curator):
    claim = make_claim(curator, references=[])
    with pytest.raises(Invalid) as refused:
        claim.submit(curator)
    assert refused.value.code == "no_citations"
    assert claim.status == Status.DRAFT


@pytest.mark.parametrize("action", ["reject", "request_changes"])
@pytest.mark.parametrize("comment", ["", "   "])
def test_reject_and_request_changes_need_a_comment(action, comment, curator, reviewer):
    claim = make_submitted_claim(curator)
    with pytest.raises(Invalid) as refused:
        getattr(claim, action)(reviewer, comment)
    assert refused.value.code == "comment_required"
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_retire_needs_a_comment(curator, reviewer, other_reviewer):
    claim = make_approved_claim(curator, reviewer)
    with pytest.raises(Invalid):
        claim.retire(other_reviewer, "")
    claim.retire(other_reviewer, "Contradicted by later work.")
    claim.refresh_from_db()
    assert claim.status == Status.RETIRED
    assert claim.reviewer == other_reviewer


def test_public_queryset_holds_only_approved_claims(curator, reviewer):
    approved = make_approved_claim(curator, reviewer)
    make_claim(curator)
    make_submitted_claim(curator)
    retired = make_approved_claim(curator, reviewer)
    retired.retire(reviewer, "Outdated.")

    assert list(Claim.objects.public()) == [approved]
    assert list(Claim.objects.awaiting_review().values_list("status", flat=True)) == ["submitted"]


def test_approval_needs_resolved_references(curator, reviewer):
    pending = make_reference(pmid=9822609, fetch_status="pending")
    claim = make_submitted_claim(curator, references=[pending])
    with pytest.raises(Conflict) as refused:
        claim.approve(reviewer)
    assert refused.value.code == "unresolved_references"
    assert "PMID 9822609 has no metadata yet (pending)" in refused.value.message
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_reference_entered_by_hand_counts_as_resolved(curator, reviewer):
    typed = make_reference(doi="10.1038/nm.2830", fetch_status="pending", manual_metadata=True)
    claim = make_submitted_claim(curator, references=[typed])
    claim.approve(reviewer)
    assert claim.status == Status.APPROVED


def test_approval_refuses_a_retracted_reference(curator, reviewer):
    retracted = make_reference(pmid=400712, retracted=True)
    claim = make_submitted_claim(curator, references=[retracted])
    with pytest.raises(Conflict) as refused:
        claim.approve(reviewer)
    assert "PMID 400712 is retracted" in refused.value.message


def test_override_reason_allows_approval_and_is_recorded(curator, reviewer):
    failed = make_reference(pmid=25814066, fetch_status="failed")
    claim = make_submitted_claim(curator, references=[failed])
    claim.approve(reviewer, override_reason="Checked the paper by hand; NCBI is down.")
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    event = claim.events.get(action="approve")
    assert event.override_reason == "Checked the paper by hand; NCBI is down."


def test_override_reason_is_not_recorded_when_not_needed(curator, reviewer):
    claim = make_submitted_claim(curator)
    claim.approve(reviewer, override_reason="Just because.")
    assert claim.events.get(action="approve").override_reason == ""
