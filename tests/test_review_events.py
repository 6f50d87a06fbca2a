"""The audit trail: a snapshot per event, never edited or deleted."""

import pytest
from django.db.models.deletion import ProtectedError

from curation.models import ReviewEvent
from tests.factories import make_claim, make_reference


def test_event_snapshots_text_and_citations(curator):
    ref = make_reference(pmid=9822609, doi="10.1093/emboj/17.22.6660")
    claim = make_claim(curator, text="IRF7 regulates interferon-alpha genes.", references=[ref])
    snapshot = claim.events.get().snapshot
    assert snapshot["text"] == "IRF7 regulates interferon-alpha genes."
    assert snapshot["version"] == 1
    assert snapshot["citations"] == [
        {
            "reference": ref.pk,
            "pmid": "9822609",
            "doi": "10.1093/emboj/17.22.6660",
            "title": ref.title,
            "position": 0,
            "stance": "supports",
            "locator": "",
            "quote": "",
        }
    ]


def test_event_cannot_be_changed(curator):
    event = make_claim(curator).events.get()
    event.comment = "rewritten history"
    with pytest.raises(ValueError, match="cannot be changed"):
        event.save()
    event.refresh_from_db()
    assert event.comment == ""


def test_event_cannot_be_deleted(curator):
    event = make_claim(curator).events.get()
    with pytest.raises(ValueError, match="cannot be deleted"):
        event.delete()
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


def test_claim_with_history_cannot_be_deleted(curator):
    claim = make_claim(curator)
    with pytest.raises(ProtectedError):
        claim.delete()
