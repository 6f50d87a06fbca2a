"""/search/: genes by symbol, alias and name (exact symbol first), claims by their words."""

import re

import pytest
from django.db import connection

from genes.models import GeneName
from tests.factories import make_approved_claim, make_claim, make_gene
from tests.public_helpers import between, fresh_cache, load_demo, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


def gene_results(response):
    html = between(response.content, 'id="gene-results"', "</section>")
    return re.findall(r'<a href="/genes/([^/]+)/"><strong>', html)


def claim_results(response):
    return between(response.content, 'id="claim-results"', "</section>")


def test_exact_symbol_comes_first_then_other_names_prefixes_and_names(client):
    make_gene("ABC1", name="binds irf7 promoters")
    make_gene("IRF7X")
    make_gene("IRF7")
    make_gene("ZED1").add_name("irf7", GeneName.Kind.ALIAS)

    response = client.get("/search/?q=irf7")

    assert gene_results(response) == ["IRF7", "ZED1", "IRF7X", "ABC1"]
    assert "exact symbol" in text_of(between(response.content, 'class="exact"', "</li>"))


def test_genes_are_found_by_alias_and_by_name(client):
    load_demo()

    assert gene_results(client.get("/search/?q=IFN-ALPHAJ")) == ["IFNA7"]
    assert gene_results(client.get("/search/?q=regulatory factor")) == ["IRF7"]


def test_claims_are_found_by_their_words_with_the_matches_highlighted(client):
    load_demo()

    results = claim_results(client.get("/search/?q=influenza"))

    assert '<a href="/genes/IRF7/#claim-' in results
    assert "<mark>influenza</mark>" in results
    assert "IFNA7" not in text_of(results)


def test_only_approved_claims_are_found(client, curator):
    load_demo()
    make_claim(curator, text="Unreviewed: IRF7 glows in the dark.")

    assert "#claim-" not in claim_results(client.get("/search/?q=glows"))


def test_words_are_matched_as_the_database_can(client):
    load_demo()

    # "interacts" is the stem of "interact": PostgreSQL's full-text search knows it, LIKE does not.
    found = '<a href="/genes/IRF7/#claim-' in claim_results(client.get("/search/?q=interacts"))

    assert found == (connection.vendor == "postgresql")


def test_claims_matching_better_rank_first_on_postgresql_newest_first_on_sqlite(
    client, curator, reviewer
):
    gene = make_gene("RANK1")
    often = make_approved_claim(
        curator, reviewer, gene=gene, text="Viral replication, viral spread and viral entry."
    )
    once = make_approved_claim(curator, reviewer, gene=gene, text="Viral replication is slowed.")

    results = claim_results(client.get("/search/?q=viral"))
    order = [int(n) for n in re.findall(r"#claim-(\d+)", results)]

    if connection.vendor == "postgresql":
        assert order == [often.pk, once.pk]
    else:
        assert order == [once.pk, often.pk]


def test_claim_results_are_paginated(client, curator, reviewer):
    gene = make_gene("PAGE1")
    for i in range(25):
        make_approved_claim(curator, reviewer, gene=gene, text=f"Cytokine finding number {i}.")

    first = client.get("/search/?q=cytokine")
    second = client.get("/search/?q=cytokine&page=2")

    assert claim_results(first).count("#claim-") == 20
    assert claim_results(second).count("#claim-") == 5
    assert "Page 1 of 2" in text_of(claim_results(first))
    assert 'href="?q=cytokine&amp;page=2"' in claim_results(first)


def test_an_empty_or_odd_query_is_answered_calmly(client):
    load_demo()

    assert client.get("/search/").status_code == 200
    assert client.get("/search/?q=").status_code == 200
    for odd in ['"', "&|!:*", "a' OR 1=1 --", "(((", "x" * 500]:
        response = client.get("/search/", {"q": odd})
        assert response.status_code == 200, odd
