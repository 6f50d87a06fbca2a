"""The API's hand-written JSON is exactly what DRF would write from the declared fields."""

from datetime import date

from django.utils import timezone
from rest_framework import serializers

from curation.api.serializers import CitationSerializer, ClaimSerializer, ReferenceSerializer
from curation.api.views import claims_with_relations
from curation.models import Claim
from tests.factories import make_approved_claim, make_gene, make_reference


def generic(serializer_class, instance):
    """DRF's own field-by-field representation, bypassing the fast path."""
    return serializers.ModelSerializer.to_representation(serializer_class(), instance)


def test_the_fast_json_equals_drfs_for_full_and_empty_rows(curator, reviewer, gene):
    full = make_reference(
        pmid=9822609,
        doi="10.1016/s0092-8674(00)81757-x",
        pmcid="PMC1171011",
        title='IRF-7 \u2014 a factor\ttab "quoted"',
        title_html="IRF-7, a <i>factor</i>",
        authors=[{"family": "Au", "given": "W", "initials": "W"}, {"collective": "ABC"}],
        journal="J",
        published="1998-10",
        epub_date=date(1998, 10, 2),
        abstract_sections=[{"label": None, "category": None, "text": "Text."}],
        retracted=True,
        retraction_pmids=["123"],
        fetched_at=timezone.now(),
        fetch_error="timeout",
    )
    bare = make_reference(url="https://example.org/", title="", manual_metadata=True)
    original = make_approved_claim(curator, reviewer, gene=gene, references=[bare])
    revision = original.revise(curator)
    revision.edit(
        curator,
        version=revision.version,
        citations=[{"reference": full, "stance": "contradicts", "locator": "p. 3", "quote": "Q"}],
        mentioned_genes=[make_gene("STAT1"), make_gene("IRF3")],
        organism="Mus musculus",
        evidence_type="in_vivo",
    )
    Claim.objects.filter(pk=original.pk).update(flags=["cites_retracted"])

    for reference in (full, bare):
        assert ReferenceSerializer().to_representation(reference) == generic(
            ReferenceSerializer, reference
        )
    for claim in claims_with_relations(Claim.objects.all()):
        assert ClaimSerializer().to_representation(claim) == generic(ClaimSerializer, claim)
        for citation in claim.citation_list:
            assert CitationSerializer().to_representation(citation) == generic(
                CitationSerializer, citation
            )
    data = ClaimSerializer().to_representation(
        claims_with_relations(Claim.objects.all()).get(pk=revision.pk)
    )
    assert data["supersedes"] == original.pk
    assert data["mentioned_genes"] == ["IRF3", "STAT1"]
    assert data["citations"][0]["reference"]["fetched_at"].endswith("Z")
