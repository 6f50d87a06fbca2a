"""The home page, the gene index, the reference page and the sitemap."""

import re

import pytest

from references.models import Reference
from tests.factories import make_approved_claim, make_gene
from tests.public_helpers import between, fresh_cache, load_demo, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_top_genes_and_recent_approvals(client, curator, reviewer):
    load_demo()
    make_gene("EMPTY1")
    latest = make_approved_claim(curator, reviewer, gene=make_gene("NEW1"), text="NEW1 is new.")

    html = client.get("/").content.decode()

    assert '<form role="search" method="get" action="/search/"' in html
    top = re.findall(
        r'<a href="/genes/(\w+)/"><strong>', between(html, 'id="top-genes"', "</section>")
    )
    assert top[:3] == ["IFNA7", "IRF7", "NEW1"]
    assert "EMPTY1" in top  # genes without approved claims fill the list
    recent = between(html, 'id="recent"', "</section>")
    assert recent.index(f"#claim-{latest.pk}") < recent.index("IFNA7")


def test_gene_index_is_alphabetical_paginated_and_by_letter(client):
    for i in range(105):
        make_gene(f"G{i:03d}")
    make_gene("ZZ1")

    first = client.get("/genes/").content.decode()
    second = client.get("/genes/?page=2").content.decode()
    zeds = client.get("/genes/?letter=z").content.decode()

    symbols = re.findall(r'<th scope="row"><a href="/genes/(\w+)/">', first)
    assert symbols[:2] == ["G000", "G001"]
    assert len(symbols) == 100
    assert re.findall(r'<th scope="row"><a href="/genes/(\w+)/">', second)[-1] == "ZZ1"
    assert "Page 1 of 2" in text_of(first)
    assert re.findall(r'<th scope="row"><a href="/genes/(\w+)/">', zeds) == ["ZZ1"]


def test_reference_page_shows_metadata_abstract_and_the_claims_citing_it(client):
    load_demo()
    bidwell = Reference.objects.get(doi="10.1038/nm.2830")

    html = client.get(f"/references/{bidwell.pk}/").content.decode()
    text = text_of(html)

    assert "Silencing of Irf7 pathways in breast cancer cells" in text
    assert "Abstract Breast cancer metastasis is a key determinant" in text
    assert "<dt>Published online</dt><dd>22 July 2012</dd>" in html
    assert "IRF7: The IRF7 pathway was shown to be silenced" in text
    assert "retracted" not in text.lower()


def test_retracted_reference_page_says_so_with_the_notice(client):
    load_demo()
    marie = Reference.objects.get(pmid=9822609)
    marie.retracted, marie.retraction_pmids = True, ["40000001"]
    marie.save()

    html = client.get(f"/references/{marie.pk}/").content.decode()

    assert "This work has been retracted." in text_of(html)
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/40000001/">PMID 40000001</a>' in html


def test_unknown_reference_is_404(client):
    assert client.get("/references/999999/").status_code == 404


def test_sitemap_index_points_at_a_sitemap_listing_every_gene_page(client):
    load_demo()
    make_gene("EMPTY1")

    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-genes.xml</loc>" in index

    genes = client.get("/sitemap-genes.xml").content.decode()
    assert re.findall(r"<loc>([^<]+)</loc>", genes) == [
        "http://testserver/genes/EMPTY1/",
        "http://testserver/genes/IFNA7/",
        "http://testserver/genes/IRF7/",
    ]
    assert "<lastmod>" in genes
