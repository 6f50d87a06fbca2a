"""Reading the API: genes, claims and references as DESIGN.md's JSON, with filters and pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from curation.models import Claim, Section, Status
from genes.models import GeneName
from tests.api_helpers import CLAIM_FIELDS, REFERENCE_FIELDS, api, error, unthrottled  # noqa: F401
from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
)

pytestmark = pytest.mark.usefixtures("unthrottled")

GENE_FIELDS = [
    "symbol", "name", "ncbi_gene_id", "hgnc_id", "aliases", "location", "description",
    "description_source", "uniprot_ids", "ensembl_id", "url",
]  # fmt: skip


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def paper(db):
    return make_reference(
        pmid=9822609,
        doi="10.1016/s0092-8674(00)81757-x",
        pmcid="PMC1171011",
        title="IRF-7, a new interferon regulatory factor.",
        title_html="IRF-7, a new <i>interferon</i> regulatory factor.",
        authors=[{"family": "Au", "given": "Wei-Chun", "initials": "WC"}, {"collective": "ABC"}],
        journal="The Journal of biological chemistry",
        journal_abbrev="J Biol Chem",
        volume="273",
        issue="44",
        pages="29210-7",
        published="1998-10-30",
        abstract_sections=[{"label": "BACKGROUND", "category": "BACKGROUND", "text": "Why."}],
        abstract="BACKGROUND: Why.",
        publication_types=["Journal Article"],
        mesh_terms=["Animals"],
        language="eng",
    )


def test_a_claim_is_the_json_of_design_md_with_its_citations_and_references(
    curator, reviewer, gene, paper
):
    other = make_gene("IRF3")
    claim = make_approved_claim(
        curator,
        reviewer,
        gene=gene,
        references=[{"reference": paper, "stance": "contradicts", "locator": "Fig. 3"}],
        mentioned_genes=[other],
        organism="Homo sapiens",
        evidence_type="in_vitro",
    )

    body = api().get(f"/api/v1/claims/{claim.pk}/").json()

    assert list(body) == CLAIM_FIELDS
    assert body["gene"] == "IRF7"
    assert body["status"] == "approved"
    assert body["version"] == claim.version
    assert body["mentioned_genes"] == ["IRF3"]
    assert body["author"] == "carla"
    assert body["reviewer"] == "rita"
    assert body["supersedes"] is None
    assert body["organism"] == "Homo sapiens"
    assert body["evidence_type"] == "in_vitro"
    assert body["flags"] == []
    (citation,) = body["citations"]
    assert citation["position"] == 0
    assert citation["stance"] == "contradicts"
    assert citation["locator"] == "Fig. 3"
    assert citation["quote"] is None
    reference = citation["reference"]
    assert list(reference) == REFERENCE_FIELDS
    assert reference["pmid"] == "9822609"
    assert reference["doi"] == "10.1016/s0092-8674(00)81757-x"
    assert reference["pmcid"] == "PMC1171011"
    assert reference["url"] is None
    assert reference["title_html"] == "IRF-7, a new <i>interferon</i> regulatory factor."
    assert reference["authors"][1] == {"collective": "ABC"}
    assert reference["year"] == 1998
    assert reference["published"] == "1998-10-30"
    assert reference["epub_date"] is None
    assert reference["abstract_sections"][0]["label"] == "BACKGROUND"
    assert reference["retracted"] is False
    assert reference["retraction_pmids"] == []
    assert reference["fetch_status"] == "fetched"


def test_a_gene_answers_to_its_symbol_and_aliases_in_any_case_with_its_approved_claims(
    curator, reviewer, gene
):
    gene.add_name("IFNA-J", GeneName.Kind.ALIAS)
    gene.add_name("IRF-7X", GeneName.Kind.PREVIOUS)
    approved = make_approved_claim(curator, reviewer, gene=gene)
    make_claim(curator, gene=gene)

    for name in ("IRF7", "irf7", "ifna-j", "Irf-7x"):
        response = api(reviewer).get(f"/api/v1/genes/{name}/")
        assert response.status_code == 200, name
        body = response.json()
        assert body["symbol"] == "IRF7"
    assert list(body) == [*GENE_FIELDS[:5], "previous_symbols", *GENE_FIELDS[5:10], "gene_type",
                          "url", "claims"]  # fmt: skip
    assert body["ncbi_gene_id"] == "3665"
    assert body["aliases"] == ["IFNA-J"]
    assert body["previous_symbols"] == ["IRF-7X"]
    assert body["url"] == "http://testserver/genes/IRF7/"
    assert [c["id"] for c in body["claims"]] == [approved.pk]


def test_an_alias_of_several_genes_answers_300_with_the_choices(db):
    for symbol in ("IFNA1", "IFNA13"):
        make_gene(symbol).add_name("IFN-ALPHA", GeneName.Kind.ALIAS)

    body = error(api().get("/api/v1/genes/ifn-alpha/"), 300, "ambiguous")

    assert [c["symbol"] for c in body["choices"]] == ["IFNA1", "IFNA13"]
    assert body["choices"][0]["url"] == "http://testserver/api/v1/genes/IFNA1/"


def test_an_unknown_gene_or_claim_or_reference_or_address_is_a_json_404(db):
    error(api().get("/api/v1/genes/NOPE/"), 404, "not_found")
    error(api().get("/api/v1/genes/A%00B/"), 404, "not_found")
    error(api().get("/api/v1/claims/999/"), 404, "not_found")
    error(api().get("/api/v1/claims/abc/"), 404, "not_found")
    error(api().get("/api/v1/references/999/"), 404, "not_found")
    error(api().get("/api/v1/nothing/here/"), 404, "not_found")


def test_the_gene_list_is_paginated_by_symbol(db):
    for symbol in ("STAT1", "IRF3", "IRF7"):
        make_gene(symbol)

    body = api().get("/api/v1/genes/", {"page_size": 2}).json()

    assert body["count"] == 3
    assert [g["symbol"] for g in body["results"]] == ["IRF3", "IRF7"]
    assert list(body["results"][0]) == [*GENE_FIELDS[:5], "previous_symbols", *GENE_FIELDS[5:10],
                                        "gene_type", "url"]  # fmt: skip
    assert body["next"] == "http://testserver/api/v1/genes/?page=2&page_size=2"
    assert body["previous"] is None
    assert [g["symbol"] for g in api().get(body["next"]).json()["results"]] == ["STAT1"]


@pytest.fixture
def claims(curator, other_curator, reviewer, gene):
    """One claim in each interesting state: two approved, a draft each by two curators, one submitted."""
    return {
        "approved": make_approved_claim(other_curator, reviewer, gene=gene),
        "approved_other_gene": make_approved_claim(curator, reviewer, section=Section.FUNCTION),
        "carla_draft": make_claim(curator, gene=gene),
        "oscar_draft": make_claim(other_curator, gene=gene),
        "submitted": make_submitted_claim(other_curator, gene=gene),
    }


def test_anonymous_callers_see_approved_claims_curators_also_their_own_reviewers_all(
    claims, curator, reviewer, admin, outsider
):
    approved = [claims["approved"].pk, claims["approved_other_gene"].pk]

    assert ids(api().get("/api/v1/claims/")) == approved
    assert ids(api(outsider).get("/api/v1/claims/")) == approved
    assert ids(api(curator).get("/api/v1/claims/")) == sorted([*approved, claims["carla_draft"].pk])
    everything = sorted(c.pk for c in claims.values())
    assert ids(api(reviewer).get("/api/v1/claims/")) == everything
    assert ids(api(admin).get("/api/v1/claims/")) == everything
    error(api().get(f"/api/v1/claims/{claims['carla_draft'].pk}/"), 404, "not_found")
    assert api(curator).get(f"/api/v1/claims/{claims['carla_draft'].pk}/").status_code == 200
    error(api(curator).get(f"/api/v1/claims/{claims['oscar_draft'].pk}/"), 404, "not_found")


def test_claims_filter_by_gene_symbol_or_alias_section_status_and_update_time(
    claims, reviewer, gene
):
    gene.add_name("IFNA-J", GeneName.Kind.ALIAS)
    reader = api(reviewer)
    on_irf7 = sorted(c.pk for k, c in claims.items() if k != "approved_other_gene")

    assert ids(reader.get("/api/v1/claims/", {"gene": "irf7"})) == on_irf7
    assert ids(reader.get("/api/v1/claims/", {"gene": "ifna-j"})) == on_irf7
    assert ids(reader.get("/api/v1/claims/", {"gene": "NOPE"})) == []
    assert ids(reader.get("/api/v1/claims/", {"section": "function"})) == [
        claims["approved_other_gene"].pk
    ]
    assert ids(reader.get("/api/v1/claims/", {"status": "submitted"})) == [claims["submitted"].pk]
    assert ids(reader.get("/api/v1/claims/", {"status": "draft", "gene": "IRF7"})) == sorted(
        [claims["carla_draft"].pk, claims["oscar_draft"].pk]
    )

    past = timezone.now() - timedelta(days=3)
    Claim.objects.exclude(pk=claims["submitted"].pk).update(updated_at=past)
    since = (past + timedelta(days=1)).isoformat()
    assert ids(reader.get("/api/v1/claims/", {"updated_since": since})) == [claims["submitted"].pk]
    assert len(ids(reader.get("/api/v1/claims/", {"updated_since": past.isoformat()}))) == 5


def test_updated_since_takes_any_offset_python_reads(claims):
    # PostgreSQL refuses offsets beyond 16 hours: the time is asked for in UTC.
    assert (
        len(ids(api().get("/api/v1/claims/", {"updated_since": "1613-12-31T15:16:11+22:35"}))) == 2
    )
    body = error(api().get("/api/v1/claims/", {"updated_since": "0001-01-01T00:00:00+05:00"}),
                 400, "invalid")  # fmt: skip
    assert list(body["errors"]) == ["updated_since"]


def test_anonymous_callers_filtering_on_a_hidden_status_get_nothing(claims):
    assert ids(api().get("/api/v1/claims/", {"status": "draft"})) == []


def test_a_bad_filter_value_is_a_400_naming_the_filter(claims):
    for name, value in [
        ("section", "nowhere"),
        ("status", "pending"),
        ("updated_since", "yesterday"),
        ("gene", "IRF\x007"),
    ]:
        body = error(api().get("/api/v1/claims/", {name: value}), 400, "invalid")
        assert list(body["errors"]) == [name], body
    for name, value in [("pmid", "PMID: nope"), ("doi", "11.1/x%A"), ("pmcid", "PMX1")]:
        body = error(api().get("/api/v1/references/", {name: value}), 400, "invalid")
        assert list(body["errors"]) == [name]
        assert body["detail"] == f"Invalid input: {name}."


def test_claims_are_ordered_by_id_unless_asked_otherwise(claims, reviewer):
    reader = api(reviewer)
    newest_first = sorted((c.pk for c in claims.values()), reverse=True)
    Claim.objects.filter(pk=claims["approved"].pk).update(updated_at=timezone.now())

    assert ids(reader.get("/api/v1/claims/", {"ordering": "-id"})) == newest_first
    assert (
        ids(reader.get("/api/v1/claims/", {"ordering": "-updated_at"}))[0] == claims["approved"].pk
    )


def test_pages_hold_100_claims_by_default_page_size_up_to_500(curator, reviewer, gene):
    drafts = [Claim(gene=gene, author=curator, text=f"Claim {n}.") for n in range(501)]
    Claim.objects.bulk_create(drafts)  # they cite nothing: only the page sizes matter here
    reader = api(reviewer)

    first = reader.get("/api/v1/claims/").json()
    assert first["count"] == 501
    assert len(first["results"]) == 100
    assert first["next"].endswith("/api/v1/claims/?page=2")
    assert len(reader.get("/api/v1/claims/", {"page_size": 250}).json()["results"]) == 250
    assert len(reader.get("/api/v1/claims/", {"page_size": 5000}).json()["results"]) == 500
    last = reader.get("/api/v1/claims/", {"page": 6}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    error(reader.get("/api/v1/claims/", {"page": 7}), 404, "not_found")


def test_references_filter_by_pmid_doi_pmcid_and_retraction(paper):
    retracted = make_reference(retracted=True, url="https://example.org/x", pmid=None)
    make_reference()

    assert ids(api().get("/api/v1/references/", {"pmid": "PMID: 9822609"})) == [paper.pk]
    assert ids(api().get("/api/v1/references/", {"doi": "https://doi.org/10.1016/S0092-8674(00)81757-X"})) == [paper.pk]  # fmt: skip
    assert ids(api().get("/api/v1/references/", {"pmcid": "pmc1171011"})) == [paper.pk]
    assert ids(api().get("/api/v1/references/", {"retracted": "true"})) == [retracted.pk]
    assert len(ids(api().get("/api/v1/references/", {"retracted": "false"}))) == 2
    assert ids(api().get("/api/v1/references/", {"pmid": "1"})) == []
    body = api().get(f"/api/v1/references/{retracted.pk}/").json()
    assert body["retracted"] is True
    assert body["pmid"] is None
    assert body["url"] == "https://example.org/x"


def make_page_of_claims(count, curator, reviewer):
    """`count` approved claims over a few genes, each citing two references and naming a gene."""
    named = make_gene("STAT1")
    genes = [make_gene() for _ in range(3)]
    for n in range(count):
        claim = make_approved_claim(
            curator,
            reviewer,
            gene=genes[n % 3],
            references=[make_reference(), make_reference()],
            mentioned_genes=[named],
        )
        assert claim.status == Status.APPROVED
    return genes


@pytest.mark.parametrize("who", ["anonymous", "reviewer"])
def test_a_claims_page_costs_the_same_queries_at_any_size(
    who, curator, reviewer, django_assert_num_queries
):
    make_page_of_claims(12, curator, reviewer)
    reader = api(None if who == "anonymous" else reviewer)
    # count, claims, mentioned genes, citations; plus token and permissions for the reviewer
    expected = 4 if who == "anonymous" else 7

    for size in (3, 12):
        with django_assert_num_queries(expected):
            assert len(reader.get("/api/v1/claims/", {"page_size": size}).json()["results"]) == size


def test_a_gene_page_and_the_gene_and_reference_lists_cost_the_same_queries_at_any_size(
    curator, reviewer, django_assert_num_queries
):
    genes = make_page_of_claims(9, curator, reviewer)
    for gene in genes:
        gene.add_name(f"{gene.symbol}-ALIAS", GeneName.Kind.ALIAS)

    for size in (2, 4):
        with django_assert_num_queries(3):  # count, genes, names
            assert len(api().get("/api/v1/genes/", {"page_size": size}).json()["results"]) == size
        with django_assert_num_queries(2):  # count, references
            assert len(api().get("/api/v1/references/", {"page_size": size}).json()["results"]) == size  # fmt: skip
    # symbol lookup, the gene, its names, claims, their mentioned genes, their citations
    with django_assert_num_queries(6):
        body = api().get(f"/api/v1/genes/{genes[0].symbol.lower()}/").json()
    assert len(body["claims"]) == 3
    make_approved_claim(curator, reviewer, gene=genes[0])
    with django_assert_num_queries(6):
        assert len(api().get(f"/api/v1/genes/{genes[0].symbol}/").json()["claims"]) == 4


def test_anonymous_callers_are_throttled_per_address_with_a_json_429(settings, db):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}  # fmt: skip
    from django.core.cache import cache

    cache.clear()
    here, there = api(), api()
    here.defaults["REMOTE_ADDR"] = "192.0.2.1"
    there.defaults["REMOTE_ADDR"] = "192.0.2.2"

    assert here.get("/api/v1/genes/").status_code == 200
    assert here.get("/api/v1/genes/").status_code == 200
    body = error(here.get("/api/v1/genes/"), 429, "throttled")
    assert "second" in body["detail"]
    assert there.get("/api/v1/genes/").status_code == 200
