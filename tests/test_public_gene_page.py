"""The IRF7 and IFNA7 pages read like their seed documents."""

import json
import re

import pytest

from curation.models import Claim, Section
from genes.models import Gene
from references.models import Reference
from tests.factories import make_approved_claim, make_claim, make_reference
from tests.public_helpers import between, fresh_cache, load_demo, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


def markers(html):
    """The footnote numbers in the claims, in page order."""
    body = between(html, 'class="claims"', 'class="page-meta"')
    return [int(n) for n in re.findall(r'<a href="#cite_note-(\d+)">\[\1\]</a>', body)]


def reference_list(html):
    """{number: text of the entry} of the numbered reference list, in order."""
    entries = re.findall(r'<li id="cite_note-(\d+)"[^>]*>(.*?)</li>', html.decode(), flags=re.S)
    return {int(number): text_of(body) for number, body in entries}


def test_irf7_footnotes_run_from_1_to_6_in_the_order_of_the_seed(client):
    load_demo()

    html = client.get("/genes/IRF7/").content

    assert markers(html) == [1, 2, 3, 4, 5, 6]
    entries = reference_list(html)
    assert list(entries) == [1, 2, 3, 4, 5, 6]
    assert [entry.split("(")[0].strip("^ ") for entry in entries.values()] == [
        "Marié I, Durbin JE, Levy DE",
        '"Entrez Gene: IRF7 interferon regulatory factor 7". www.ncbi.nlm.nih.gov.',
        "Bidwell BN",
        "Ciancanelli MJ, Huang SX, Luthra P, Garner H, Itan Y, Volpi S, et al.",
        "Au WC, Yeow WS, Pitha PM",
        "Zhou Q, Lavorgna A, Bowman M, Hiscott J, Harhaj EW",
    ]


def test_irf7_references_are_formatted_like_the_seed_reference_list(client):
    load_demo()

    entries = reference_list(client.get("/genes/IRF7/").content)

    assert entries[1] == (
        "^ Marié I, Durbin JE, Levy DE (November 1998). "
        '"Differential viral induction of distinct interferon-alpha genes by positive feedback '
        'through interferon regulatory factor-7". The EMBO Journal. 17 (22): 6660–9. '
        "doi:10.1093/emboj/17.22.6660. PMC 1171011. PMID 9822609."
    )
    assert entries[4] == (
        "^ Ciancanelli MJ, Huang SX, Luthra P, Garner H, Itan Y, Volpi S, et al. (April 2015). "
        '"Infectious disease. Life-threatening influenza and impaired interferon amplification '
        'in human IRF7 deficiency". Science. 348 (6233): 448–53. doi:10.1126/science.aaa1578. '
        "PMC 4431581. PMID 25814066."
    )
    assert entries[3] == (
        '^ Bidwell BN (August 2012). "Silencing of Irf7 pathways in breast cancer cells promotes '
        'bone metastasis through immune escape". Nature Medicine. 18 (8): 1224–31. '
        "doi:10.1038/nm.2830."
    )


def test_reference_identifiers_link_out_and_titles_link_to_the_reference_page(client):
    load_demo()
    marie = Reference.objects.get(pmid=9822609)

    html = client.get("/genes/IRF7/").content.decode()
    entry = between(html, 'id="cite_note-1"', "</li>")

    assert f'<a href="/references/{marie.pk}/">Differential viral induction' in entry
    assert '<a href="https://doi.org/10.1093/emboj/17.22.6660">' in entry
    assert '<a href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1171011/">1171011</a>' in entry
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/9822609/">9822609</a>' in entry


def test_irf7_claims_are_the_seed_sentences_each_followed_by_its_marker(client):
    load_demo()

    text = text_of(between(client.get("/genes/IRF7/").content, 'class="claims"', "</section>"))

    assert "In particular, IRF7 regulates many interferon-alpha genes.[1]" in text
    assert "IRF7 has been shown to interact with IRF3.[5]" in text
    assert text.index("[1]") < text.index("[2]") < text.index("[6]")


def test_ifna7_is_numbered_by_first_citation_and_leaves_out_the_uncited_seed_reference(client):
    load_demo()

    html = client.get("/genes/IFNA7/").content
    entries = reference_list(html)

    assert markers(html) == [1, 2, 3, 4, 5, 6, 7, 8]
    # The seed numbers these 1, 2, 3, 5, 6, 7, 8, 9: its reference 4 is cited nowhere.
    assert [entry.split(" (")[0].strip("^ ") for entry in entries.values()] == [
        "Lin R, Génin P, Mamane Y",
        "Goetze S, Gluch A, Benham C",
        "Hussain M, Gill DS, Liao MJ",
        "Platsoucas CD, Fox FE, Oleszak E",
        "Lu S, Pardini B, Cheng B",
        "Fang S, Lu J, Zhou X",
        "Tan XM, Tang Y, Yang YF",
        "Kimura T, Jiang S, Yoshida N",
    ]
    assert "2995168" not in html.decode()
    assert "Cohen" not in text_of(html)
    assert entries[5].endswith(
        '(2014). "Single nucleotide polymorphisms within interferon signaling pathway genes are '
        'associated with colorectal cancer susceptibility and survival". PLoS One. '
        "doi:10.1371/journal.pone.0111061. PMID 25350395."
    )


def test_ifna7_infobox_description_and_mentioned_gene(client):
    load_demo()

    html = client.get("/genes/IFNA7/").content.decode()
    infobox = between(html, '<aside class="infobox"', "</aside>")

    assert "<dt>Aliases</dt><dd>IFN-ALPHAJ, IFNA-J</dd>" in infobox
    assert "<dt>Gene family</dt><dd>Interferons (IFN)</dd>" in infobox
    assert '<a href="https://www.ncbi.nlm.nih.gov/gene/3444" rel="external">3444</a>' in html
    assert 'href="https://www.uniprot.org/uniprotkb/IFNA7_HUMAN/entry"' in html
    assert "linkname=gene_pubmed&amp;from_uid=3444" in html
    assert "Provided by Alliance of Genome Resources, Mar 2025." in text_of(html)
    # The first claim names IRF7, which links to its page (once, at its first mention).
    first = between(html, 'class="claim"', "</span>")
    assert first.count('<a href="/genes/IRF7/" class="gene-link">IRF7</a>') == 1


def test_irf7_page_lists_genes_whose_pages_mention_it(client):
    load_demo()

    see_also = between(client.get("/genes/IRF7/").content, 'id="see-also"', "</section>")

    assert '<a href="/genes/IFNA7/">IFNA7</a>' in see_also


def test_reference_cited_twice_keeps_one_number_with_a_back_link_to_each_citation(
    client, curator, reviewer
):
    load_demo()
    irf7 = Gene.objects.get(symbol="IRF7")
    marie = Reference.objects.get(pmid=9822609)
    claim = make_approved_claim(
        curator, reviewer, gene=irf7, text="IRF7 is induced by virus.", references=[marie]
    )

    html = client.get("/genes/IRF7/").content.decode()

    assert markers(html.encode()) == [1, 2, 3, 4, 5, 6, 1]
    entry = between(html, 'id="cite_note-1"', "</li>")
    assert '<a href="#cite_ref-1-0" aria-label="Back to citation a"><sup>a</sup></a>' in entry
    assert '<a href="#cite_ref-1-1" aria-label="Back to citation b"><sup>b</sup></a>' in entry
    assert (
        f'id="claim-{claim.pk}">IRF7 is induced by virus.<sup class="reference" id="cite_ref-1-1">'
        in html
    )
    assert len(reference_list(html.encode())) == 6


def test_only_approved_claims_and_the_references_they_cite_are_shown(client, curator):
    load_demo()
    irf7 = Gene.objects.get(symbol="IRF7")
    draft_only = make_reference(title="A paper only a draft cites")
    make_claim(curator, gene=irf7, text="Draft: IRF7 glows.", references=[draft_only])

    html = client.get("/genes/IRF7/").content.decode()

    assert "IRF7 glows" not in html
    assert "A paper only a draft cites" not in html
    assert len(reference_list(html.encode())) == 6


def test_sections_come_in_curated_order_and_claims_in_their_position(client, curator, reviewer):
    gene = Gene.objects.create(symbol="SEC1", ncbi_gene_id=7001, name="sections")
    for text, section in [
        ("Clinical one.", Section.CLINICAL),
        ("Function one.", Section.FUNCTION),
        ("Summary one.", Section.SUMMARY),
        ("Function two.", Section.FUNCTION),
    ]:
        make_approved_claim(curator, reviewer, gene=gene, text=text, section=section)

    text = text_of(client.get("/genes/SEC1/").content)

    order = ["Summary", "Summary one.", "Function", "Function one.", "Function two."]
    order += ["Clinical significance", "Clinical one."]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    # Footnotes follow the reading order, not the order of writing.
    assert re.findall(r"(\w+ \w+\.)\[(\d)\]", text) == [
        ("Summary one.", "1"),
        ("Function one.", "2"),
        ("Function two.", "3"),
        ("Clinical one.", "4"),
    ]


def test_retracted_reference_is_marked_in_the_list(client):
    load_demo()
    Reference.objects.filter(pmid=9822609).update(retracted=True)

    entry = between(client.get("/genes/IRF7/").content, 'id="cite_note-1"', "</li>")

    assert 'class="retracted"' in entry
    assert "Retracted." in text_of(entry)


def test_last_reviewed_and_cite_this_page(client):
    load_demo()
    latest = max(Claim.objects.filter(gene__symbol="IRF7").values_list("decided_at", flat=True))
    day = f"{latest.day} {latest:%B %Y}"

    text = text_of(client.get("/genes/IRF7/").content)

    assert f"Last reviewed {day}." in text
    assert (
        "Cite this page Gene knowledge contributors. “IRF7 – interferon regulatory factor 7”. "
        f"Gene knowledge. Last reviewed {day}. http://testserver/genes/IRF7/"
    ) in text


def test_structured_data_describes_the_page_the_gene_and_its_citations(client):
    load_demo()

    html = client.get("/genes/IRF7/").content.decode()
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(data)

    assert data["@type"] == "WebPage"
    assert data["url"] == "http://testserver/genes/IRF7/"
    assert data["about"]["@type"] == "Gene"
    assert data["about"]["name"] == "IRF7"
    assert "https://www.ncbi.nlm.nih.gov/gene/3665" in data["about"]["sameAs"]
    assert [c["name"][:20] for c in data["citation"]][:2] == [
        "Differential viral i",
        "Entrez Gene: IRF7 in",
    ]
    assert data["citation"][0]["url"] == "https://doi.org/10.1093/emboj/17.22.6660"
    assert "lastReviewed" in data


def test_gene_without_approved_claims_has_a_page_that_says_so(client):
    Gene.objects.create(symbol="LONE1", ncbi_gene_id=7002, name="lonely gene")

    response = client.get("/genes/LONE1/")

    assert response.status_code == 200
    assert "No claim about LONE1 has been approved yet." in text_of(response.content)
    assert 'id="references"' not in response.content.decode()
