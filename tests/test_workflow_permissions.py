"""Who may take each workflow step: the permission matrix below every screen and the API."""

import pytest

from curation.models import Forbidden, ReviewEvent, Status
from tests.factories import make_approved_claim, make_claim, make_submitted_claim, make_user


def claim_in(status, author, reviewer):
    if status == Status.DRAFT:
        return make_claim(author)
    if status == Status.SUBMITTED:
        return make_submitted_claim(author)
    return make_approved_claim(author, reviewer)


# action -> (starting status, call, status after success)
ACTIONS = {
    "submit": (Status.DRAFT, lambda c, u: c.submit(u), Status.SUBMITTED),
    "withdraw": (Status.DRAFT, lambda c, u: c.withdraw(u), Status.WITHDRAWN),
    "edit": (
        Status.DRAFT,
        lambda c, u: c.edit(u, version=c.version, text="New text."),
        Status.DRAFT,
    ),
    "approve": (Status.SUBMITTED, lambda c, u: c.approve(u), Status.APPROVED),
    "reject": (Status.SUBMITTED, lambda c, u: c.reject(u, "Not supported."), Status.REJECTED),
    "request_changes": (
        Status.SUBMITTED,
        lambda c, u: c.request_changes(u, "Cite the primary paper."),
        Status.CHANGES_REQUESTED,
    ),
    "retire": (Status.APPROVED, lambda c, u: c.retire(u, "Outdated."), Status.RETIRED),
    "revise": (Status.APPROVED, lambda c, u: c.revise(u), Status.APPROVED),
}

AUTHOR_ONLY = {
    "author": True,
    "other_curator": False,
    "reviewer": False,
    "admin": True,
    "outsider": False,
}
REVIEWERS = {
    "author": False,
    "other_curator": False,
    "reviewer": True,
    "admin": True,
    "outsider": False,
}
CURATORS = {
    "author": True,
    "other_curator": True,
    "reviewer": True,
    "admin": True,
    "outsider": False,
}
MATRIX = {
    "submit": AUTHOR_ONLY,
    "withdraw": AUTHOR_ONLY,
    "edit": AUTHOR_ONLY,
    "approve": REVIEWERS,
    "reject": REVIEWERS,
    "request_changes": REVIEWERS,
    "retire": REVIEWERS,
    "revise": CURATORS,
}
CASES = [
    (action, actor, allowed) for action, row in MATRIX.items() for actor, allowed in row.items()
]


@pytest.mark.parametrize("action,actor,allowed", CASES)
def test_permission_matrix(
    action, actor, allowed, curator, other_curator, reviewer, other_reviewer, admin, outsider
):
    people = {
        "author": curator,
        "other_curator": other_curator,
        "reviewer": reviewer,
        "admin": admin,
        "outsider": outsider,
    }
    start, call, after = ACTIONS[action]
    claim = claim_in(start, curator, other_reviewer)
    events_before = ReviewEvent.objects.count()
    user = people[actor]

    if allowed:
        call(claim, user)
        claim.refresh_from_db()
        assert claim.status == after
        assert ReviewEvent.objects.count() == events_before + 1
        assert ReviewEvent.objects.latest("id").actor == user
    else:
        with pytest.raises(Forbidden):
            call(claim, user)
        claim.refresh_from_db()
        assert claim.status == start
        assert ReviewEvent.objects.count() == events_before


@pytest.mark.parametrize("decide", ["approve", "reject", "request_changes"])
def test_reviewer_cannot_decide_on_own_claim(decide, reviewer):
    claim = make_submitted_claim(reviewer)
    with pytest.raises(Forbidden) as refused:
        ACTIONS[decide][1](claim, reviewer)
    assert refused.value.code == "four_eyes"
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_superuser_cannot_approve_own_claim(admin):
    claim = make_submitted_claim(admin)
    with pytest.raises(Forbidden) as refused:
        claim.approve(admin)
    assert refused.value.code == "four_eyes"


def test_reviewer_cannot_retire_claim_they_wrote(reviewer, other_reviewer):
    claim = make_approved_claim(reviewer, other_reviewer)
    with pytest.raises(Forbidden) as refused:
        claim.retire(reviewer, "I changed my mind.")
    assert refused.value.code == "four_eyes"


def test_inactive_reviewer_cannot_approve(curator):
    gone = make_user("gone", "reviewers", is_active=False)
    claim = make_submitted_claim(curator)
    with pytest.raises(Forbidden):
        claim.approve(gone)


def test_outsider_cannot_create_a_draft(outsider, gene):
    from curation.models import Claim

    with pytest.raises(Forbidden) as refused:
        Claim.objects.create_draft(author=outsider, gene=gene, text="Anything.")
    assert refused.value.code == "not_curator"
    assert not Claim.objects.exists()
