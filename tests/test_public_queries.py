"""Public pages read the database in a fixed number of queries, whatever the data's size."""

import pytest
from django.core.cache import cache

from curation import cache as page_cache
from curation.models import Claim
from tests.factories import make_gene
from tests.public_helpers import fresh_cache, make_gene_with_claims  # noqa: F401

pytestmark = pytest.mark.django_db

# A first view: the gene exists (1), gene and names (2), claims, citations with their
# references, mentioned genes, the genes whose pages mention it (4).
GENE_PAGE_QUERIES = 7


@pytest.mark.parametrize("claims", [5, 500])
def test_gene_page_takes_the_same_queries_for_5_and_500_claims(
    client, django_assert_num_queries, claims
):
    gene = make_gene_with_claims(claims, shared_every=3)

    with django_assert_num_queries(GENE_PAGE_QUERIES):
        response = client.get(f"/genes/{gene.symbol}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="claim"') == claims
    assert html.count('<li id="cite_note-') == claims + 1


@pytest.mark.parametrize("claims", [5, 500])
def test_cached_gene_page_takes_no_query(client, django_assert_num_queries, claims):
    gene = make_gene_with_claims(claims)
    first = client.get(f"/genes/{gene.symbol}/")

    with django_assert_num_queries(0):
        again = client.get(f"/genes/{gene.symbol}/")

    assert again.content == first.content


def test_a_page_evicted_from_the_cache_is_rendered_again(client, django_assert_num_queries):
    gene = make_gene_with_claims(5)
    first = client.get(f"/genes/{gene.symbol}/")
    cache.clear()
    page_cache.clear_local()  # and this process's copies, as in a process started since

    with django_assert_num_queries(GENE_PAGE_QUERIES):
        again = client.get(f"/genes/{gene.symbol}/")

    assert again.content == first.content


@pytest.mark.parametrize("claims", [5, 200])
def test_home_page_queries_do_not_grow(client, django_assert_num_queries, claims):
    make_gene_with_claims(claims)
    for _ in range(3):
        make_gene()

    # Counts per gene, those genes, genes without claims to fill the list, recent claims.
    with django_assert_num_queries(4):
        response = client.get("/")

    assert response.status_code == 200
    assert Claim.objects.count() == claims


@pytest.mark.parametrize("genes", [3, 150])
def test_gene_index_queries_do_not_grow(client, django_assert_num_queries, genes):
    for _ in range(genes):
        make_gene()

    with django_assert_num_queries(3):
        response = client.get("/genes/")

    assert response.status_code == 200


@pytest.mark.parametrize("claims", [5, 100])
def test_search_queries_do_not_grow(client, django_assert_num_queries, claims):
    make_gene_with_claims(claims, symbol="FIND1")

    with django_assert_num_queries(4):
        response = client.get("/search/?q=FIND1")

    assert response.status_code == 200


@pytest.mark.parametrize("claims", [5, 100])
def test_reference_page_queries_do_not_grow(client, django_assert_num_queries, claims):
    gene = make_gene_with_claims(claims, shared_every=1)
    common = gene.claims.first().citations.get(position=1).reference

    with django_assert_num_queries(2):
        response = client.get(f"/references/{common.pk}/")

    assert response.content.decode().count(f'href="/genes/{gene.symbol}/#claim-') == claims


@pytest.mark.parametrize("genes", [3, 100])
def test_sitemap_queries_do_not_grow(client, django_assert_num_queries, genes):
    for _ in range(genes):
        make_gene()

    with django_assert_num_queries(2):
        response = client.get("/sitemap-genes.xml")

    assert response.content.decode().count("<loc>") == genes
