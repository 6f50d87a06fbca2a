"""genes_import_hgnc: HGNC's complete set names the genes NCBI gave us, matched by Entrez id."""

import io

import pytest
from django.core.management import call_command

from genes.importers.hgnc import import_hgnc
from genes.models import Gene, GeneName
from tests.factories import make_approved_claim, make_gene
from tests.gene_helpers import HGNC_2023, HGNC_2026, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes():
    """Genes as gene_info would have left them, one still under its old symbol."""
    return {
        "A1BG": make_gene("A1BG", ncbi_gene_id=1, name=""),
        "NCRNA00181": make_gene("NCRNA00181", ncbi_gene_id=503538),
        "A1CF": make_gene("A1CF", ncbi_gene_id=29974),
        "ABCC3": make_gene("ABCC3", ncbi_gene_id=8714, ensembl_id="ENSG00000108846"),
    }


def test_hgnc_fills_its_id_name_family_uniprot_and_ensembl(genes):
    summary = import_hgnc(HGNC_2026)

    assert outcome(summary)["updated"] == 4
    a1bg = Gene.objects.get(ncbi_gene_id=1)
    assert (a1bg.hgnc_id, a1bg.name) == ("HGNC:5", "alpha-1-B glycoprotein")
    assert a1bg.gene_family == "Immunoglobulin like domain containing"
    assert (a1bg.uniprot_ids, a1bg.ensembl_id, a1bg.location) == (
        ["P04217"],
        "ENSG00000121410",
        "19q13.43",
    )
    a1cf = Gene.objects.get(ncbi_gene_id=29974)
    assert sorted(a1cf.aliases) == ["ACF", "ACF64", "ACF65", "APOBEC1CF", "ASP"]  # was "a|b" quoted


def test_a_symbol_renamed_by_hgnc_keeps_the_old_one_and_every_claim(genes, curator, reviewer):
    old = genes["NCRNA00181"]
    claim = make_approved_claim(curator, reviewer, gene=old)

    import_hgnc(HGNC_2026)

    gene = Gene.objects.get(pk=old.pk)
    assert gene.symbol == "A1BG-AS1"
    assert sorted(gene.other_names(GeneName.Kind.PREVIOUS)) == ["A1BG-AS", "A1BGAS", "NCRNA00181"]
    assert gene.aliases == ["FLJ23569"]
    claim.refresh_from_db()
    assert claim.gene_id == gene.pk
    assert list(Gene.objects.lookup("ncrna00181")) == [gene]
    assert gene.get_absolute_url() == "/genes/A1BG-AS1/"


def test_rows_without_a_known_gene_are_skipped_by_line_number(genes):
    summary = import_hgnc(HGNC_2026)

    assert summary.examples["no entrez_id"] == [8, 12]  # AASDH-DT, ABCB4P1
    assert summary.skipped["Gene ID not in the catalogue"] == 7
    assert not Gene.objects.filter(symbol="A2M").exists()  # HGNC names genes; it does not add them


def test_importing_hgnc_twice_changes_nothing(genes):
    import_hgnc(HGNC_2026)
    updated = {g.pk: g.updated_at for g in Gene.objects.all()}
    summary = import_hgnc(HGNC_2026)
    assert outcome(summary) == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 9}
    assert {g.pk: g.updated_at for g in Gene.objects.all()} == updated


def test_an_empty_hgnc_value_does_not_erase_what_ncbi_gave():
    make_gene("AAVS1", ncbi_gene_id=17, ensembl_id="ENSG00000000001", location="19q13.42")
    import_hgnc(HGNC_2026)
    aavs1 = Gene.objects.get(ncbi_gene_id=17)
    assert aavs1.hgnc_id == "HGNC:22"
    assert aavs1.ensembl_id == "ENSG00000000001"  # HGNC has none for this locus


def test_the_2023_layout_is_read_by_column_name():
    make_gene("ABC1", ncbi_gene_id=19)
    make_gene("ABCA11", ncbi_gene_id=79963)

    out = io.StringIO()
    call_command("genes_import_hgnc", str(HGNC_2023), stdout=out, stderr=io.StringIO())

    assert "updated 2" in out.getvalue()
    abca1 = Gene.objects.get(ncbi_gene_id=19)
    assert (abca1.symbol, abca1.hgnc_id, abca1.location) == ("ABCA1", "HGNC:29", "9q31.1")
    assert abca1.gene_family == "ATP binding cassette subfamily A"
    assert sorted(abca1.other_names(GeneName.Kind.PREVIOUS)) == ["ABC1", "HDLDT1"]
    assert Gene.objects.get(ncbi_gene_id=79963).symbol == "ABCA11P"
