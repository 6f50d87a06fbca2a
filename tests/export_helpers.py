"""Data and readers shared by the export and release tests."""

import json

import pytest
from django.core.cache import cache

from curation.exports import unescape_tsv
from curation.models import Citation
from tests.factories import make_approved_claim, make_claim, make_gene, make_reference

EXPORT_URLS = [
    "export-claims-ndjson",
    "export-claims-tsv",
    "export-references-ndjson",
    "export-generifs-tsv",
]

# Everything that has broken a TSV or JSON writer somewhere.
ODD_TEXT = (
    "Tab\there, newline\nthere, CR\r\nand a lone CR\r. "
    "Quotes \"double\" and 'single', backslashes \\ \\t \\n \\\\ (literal), "
    "non-ASCII é ü ß 中文 Ελληνικά, emoji 🧬🔬, controls \x0b\x0c\x08\x01, "
    "a line separator \u2028 and a comma, too."
)


@pytest.fixture(autouse=True)
def no_throttle_left_over():
    """Each test starts with the export allowance of every address unused."""
    cache.clear()
    yield
    cache.clear()


def make_dataset(curator, reviewer, gene):
    """Approved claims with odd text and every kind of citation, plus claims not to export."""
    paper = make_reference(
        pmid=15800576,
        doi="10.1038/nature03464",
        title='IRF-7 is the "master regulator"\tof type-I interferon',
        authors=[
            {"family": "Honda", "given": "Kenya", "initials": "K"},
            {"collective": "The IRF Consortium"},
        ],
        journal="Nature",
        volume="434",
        pages="772-777",
        published="2005-04-07",
        abstract=ODD_TEXT,
        abstract_sections=[{"label": "BACKGROUND", "category": "BACKGROUND", "text": ODD_TEXT}],
        mesh_terms=["Interferon Type I", "Mice"],
        language="eng",
    )
    doi_only = make_reference(doi="10.5555/no.pubmed", title="A DOI-only paper")
    database = make_reference(url="https://www.ncbi.nlm.nih.gov/gene/3665", kind="database")
    other_gene = make_gene("IRF3", ncbi_gene_id=3661)
    odd = make_approved_claim(
        curator,
        reviewer,
        gene=gene,
        text=ODD_TEXT,
        references=[paper, doi_only],
        evidence_type="in_vivo",
        organism="Mus musculus",
        mentioned_genes=[other_gene],
    )
    Citation.objects.filter(claim=odd, reference=doi_only).update(
        stance="background", locator="Fig. 3\tb", quote='"quoted"\n'
    )
    no_pubmed = make_approved_claim(
        curator, reviewer, gene=other_gene, text="Cites no PubMed paper.", references=[database]
    )
    plain = make_approved_claim(
        curator, reviewer, gene=gene, text="IRF7 is induced by interferon.", references=[paper]
    )
    draft = make_claim(curator, gene=gene, text="A draft.", references=[make_reference()])
    return {
        "paper": paper,
        "doi_only": doi_only,
        "database": database,
        "odd": odd,
        "no_pubmed": no_pubmed,
        "plain": plain,
        "draft": draft,
        "other_gene": other_gene,
    }


def body(response):
    """All the bytes of a streaming response."""
    return b"".join(response.streaming_content)


def ndjson(data):
    text = data.decode()
    if not text:
        return []
    assert text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]


def tsv(data):
    """(header, rows) of a TSV export, each field unescaped."""
    text = data.decode()
    assert text.endswith("\n")
    header, *lines = text.split("\n")[:-1]
    return header.split("\t"), [[unescape_tsv(f) for f in line.split("\t")] for line in lines]
