from curation.models import Claim
from tests.factories import make_approved_claim


def test_flagging_marks_the_claim_once_and_records_why(curator, reviewer):
    claim = make_approved_claim(curator, reviewer)
    assert claim.flag("cites_retracted", "PMID 400712 was retracted.") is True
    assert claim.flag("cites_retracted", "PMID 400712 was retracted.") is False

    claim.refresh_from_db()
    assert claim.flags == ["cites_retracted"]
    assert list(Claim.objects.flagged()) == [claim]
    event = claim.events.get(action="flag")
    assert event.actor is None
    assert event.comment == "PMID 400712 was retracted."
    assert (event.from_status, event.to_status) == ("approved", "approved")
