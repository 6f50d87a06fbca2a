"""export/generifs.tsv: NCBI's generifs_basic layout for approved claims citing PubMed papers."""

from django.urls import reverse

from curation import exports
from tests.export_helpers import ODD_TEXT, body, make_dataset, no_throttle_left_over, tsv  # noqa: F401
from tests.factories import make_approved_claim, make_gene, make_reference


def test_generifs_has_ncbis_header_and_one_row_per_claim_citing_pubmed(
    client, curator, reviewer, gene
):
    data = make_dataset(curator, reviewer, gene)
    ifna7 = make_gene("IFNA7", ncbi_gene_id=3444)
    two = make_approved_claim(
        curator,
        reviewer,
        gene=ifna7,
        text="IFNA7 is induced by IRF7.",
        references=[
            make_reference(pmid=111),
            make_reference(doi="10.1000/x"),
            make_reference(pmid=22),
        ],
    )

    response = client.get(reverse("export-generifs-tsv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    raw = body(response)
    assert raw.startswith(
        b"#Tax ID\tGene ID\tPubMed ID (PMID) list\tlast update timestamp\tGeneRIF text\n"
    )
    header, rows = tsv(raw)
    assert header == list(exports.GENERIF_COLUMNS)
    # Sorted by Gene ID; the claim citing no PubMed paper is left out.
    assert rows == [
        ["9606", "3444", "111,22", two.updated_at.strftime("%Y-%m-%d %H:%M"), two.text],
        [
            "9606",
            "3665",
            "15800576",
            data["odd"].updated_at.strftime("%Y-%m-%d %H:%M"),
            ODD_TEXT,
        ],
        [
            "9606",
            "3665",
            "15800576",
            data["plain"].updated_at.strftime("%Y-%m-%d %H:%M"),
            "IRF7 is induced by interferon.",
        ],
    ]
    assert raw.count(b"\n") == 4
    assert all(line.count(b"\t") == 4 for line in raw.splitlines())
