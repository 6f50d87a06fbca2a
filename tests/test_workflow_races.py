"""Two people acting on the same claim at once: one wins, the other is told why."""

import pytest

from curation.models import Claim, Conflict, StaleVersion, Status
from tests.factories import make_submitted_claim


def test_second_approval_of_the_same_claim_is_refused(curator, reviewer, other_reviewer):
    claim = make_submitted_claim(curator)
    seen_by_rita = Claim.objects.get(pk=claim.pk)
    seen_by_roland = Claim.objects.get(pk=claim.pk)

    seen_by_rita.approve(reviewer)
    with pytest.raises(Conflict) as refused:
        seen_by_roland.approve(other_reviewer)

    assert refused.value.code == "illegal_transition"
    assert "Someone else acted first" in refused.value.message
    assert "approved" in refused.value.message
    claim.refresh_from_db()
    assert claim.reviewer == reviewer
    assert claim.events.filter(action="approve").count() == 1


def test_reject_after_approval_by_someone_else_is_refused(curator, reviewer, other_reviewer):
    claim = make_submitted_claim(curator)
    stale = Claim.objects.get(pk=claim.pk)
    claim.approve(reviewer)
    with pytest.raises(Conflict):
        stale.reject(other_reviewer, "Too late.")
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert not claim.events.filter(action="reject").exists()


def test_submitting_a_claim_edited_in_another_tab_is_refused(curator):
    from tests.factories import make_claim

    claim = make_claim(curator)
    other_tab = Claim.objects.get(pk=claim.pk)
    claim.edit(curator, version=1, text="Edited elsewhere.")
    with pytest.raises(StaleVersion):
        other_tab.submit(curator)
