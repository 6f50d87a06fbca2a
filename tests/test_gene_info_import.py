"""genes_import_gene_info: NCBI's gene_info rows become genes, once, whatever the file's flaws."""

import gzip
import io

import pytest
from django.core.management import call_command

from genes.importers.gene_info import import_gene_info
from genes.models import Gene, GeneName
from tests.factories import make_claim, make_gene
from tests.gene_helpers import GENE_INFO, GENE_INFO_OLDER, outcome

pytestmark = pytest.mark.django_db


def test_every_human_row_becomes_a_gene_with_its_identifiers():
    summary = import_gene_info(GENE_INFO)

    assert outcome(summary) == {"created": 24, "updated": 0, "unchanged": 0, "skipped": 3}
    assert Gene.objects.count() == 24
    abl1 = Gene.objects.get(ncbi_gene_id=25)
    assert abl1.symbol == "ABL1"
    assert abl1.name == "ABL proto-oncogene 1, non-receptor tyrosine kinase"
    assert (abl1.hgnc_id, abl1.ensembl_id, abl1.mim_ids) == (
        "HGNC:76",
        "ENSG00000097007",
        ["189980"],
    )
    assert (abl1.chromosome, abl1.location, abl1.gene_type) == ("9", "9q34.12", "protein-coding")
    assert "c-ABL" in abl1.aliases and "p150" in abl1.aliases


def test_many_dbxrefs_keep_every_mim_and_the_first_ensembl_id():
    import_gene_info(GENE_INFO)
    slc25a6 = Gene.objects.get(ncbi_gene_id=293)
    assert slc25a6.mim_ids == ["300151", "403000"]
    assert slc25a6.ensembl_id == "ENSG00000169100"
    assert slc25a6.hgnc_id == "HGNC:10992"
    assert (slc25a6.chromosome, slc25a6.location) == ("X|Y", "X;Y")


def test_dashes_are_empty_values_and_a_gene_without_synonyms_has_no_aliases():
    import_gene_info(GENE_INFO)
    afa = Gene.objects.get(ncbi_gene_id=170)
    assert (afa.hgnc_id, afa.location, afa.chromosome, afa.ensembl_id) == ("", "", "", "")
    assert afa.name == "ankyloblepharon filiforme adnatum"  # no nomenclature: the description
    assert afa.aliases == []
    loc = Gene.objects.get(ncbi_gene_id=653303)
    assert loc.mim_ids == [] and loc.hgnc_id == ""


def test_malformed_rows_are_skipped_by_line_number_and_the_rest_is_imported():
    skipped = []
    summary = import_gene_info(GENE_INFO, on_skip=skipped.append)

    assert [(s.line, s.reason) for s in skipped] == [
        (10, "wrong number of columns"),
        (11, "GeneID is not a number"),
        (13, "not valid UTF-8"),
    ]
    assert summary.examples["wrong number of columns"] == [10]
    assert summary.other_taxa == 1  # the mouse row is left out, not reported as malformed
    assert not Gene.objects.filter(symbol="Tgfb1").exists()
    # Rows after the bad lines were imported, and the bad copy changed nothing.
    assert Gene.objects.filter(ncbi_gene_id=106783576).exists()
    assert Gene.objects.get(ncbi_gene_id=293).name == "solute carrier family 25 member 6"


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    import_gene_info(GENE_INFO)
    before = {
        g.pk: (g.symbol, g.name, g.location, g.mim_ids, g.updated_at) for g in Gene.objects.all()
    }
    names = GeneName.objects.count()

    summary = import_gene_info(GENE_INFO)

    assert outcome(summary) == {"created": 0, "updated": 0, "unchanged": 24, "skipped": 3}
    after = {
        g.pk: (g.symbol, g.name, g.location, g.mim_ids, g.updated_at) for g in Gene.objects.all()
    }
    assert after == before
    assert GeneName.objects.count() == names


def test_small_chunks_store_the_same_catalogue(django_assert_max_num_queries):
    # Five chunks of new genes, each at most: savepoint, genes, symbol holders, HGNC ID
    # holders, new genes, new names, release. One query more per row would show.
    with django_assert_max_num_queries(35):
        summary = import_gene_info(GENE_INFO, chunk_size=5)
    assert summary.created == 24
    assert GeneName.objects.filter(gene__ncbi_gene_id=25).count() == 9


def test_a_gzipped_file_is_read_like_a_plain_one(tmp_path):
    packed = tmp_path / "Homo_sapiens.gene_info.gz"
    packed.write_bytes(gzip.compress(GENE_INFO.read_bytes()))
    assert import_gene_info(packed).created == 24


def test_a_renamed_symbol_updates_the_gene_and_keeps_the_old_one(curator):
    import_gene_info(GENE_INFO_OLDER)
    ant3 = Gene.objects.get(symbol="ANT3")
    claim = make_claim(curator, gene=ant3)

    summary = import_gene_info(GENE_INFO)

    assert (summary.created, summary.updated) == (0, 1)
    gene = Gene.objects.get(pk=ant3.pk)  # same row: claims and URLs follow
    assert gene.symbol == "SLC25A6"
    assert gene.get_absolute_url() == "/genes/SLC25A6/"
    assert gene.other_names(GeneName.Kind.PREVIOUS) == ["ANT3"]
    claim.refresh_from_db()
    assert claim.gene.symbol == "SLC25A6"
    assert list(Gene.objects.lookup("ant3")) == [gene]


def test_a_symbol_is_never_taken_back_from_a_lagging_file():
    import_gene_info(GENE_INFO_OLDER)
    import_gene_info(GENE_INFO)
    import_gene_info(GENE_INFO_OLDER)  # an old file loaded again by mistake
    assert Gene.objects.get(ncbi_gene_id=293).symbol == "SLC25A6"


def test_a_shared_alias_finds_every_gene_and_a_current_symbol_wins():
    import_gene_info(GENE_INFO)

    p150 = {g.symbol for g in Gene.objects.lookup("P150")}
    assert p150 == {"ABL1", "ANPEP", "CTR9", "CHAF1A", "RAB3GAP2", "PIK3R4"}
    # PDP1 is the symbol of Gene ID 54704 and an alias of PLPP6.
    assert [g.ncbi_gene_id for g in Gene.objects.lookup("pdp1")] == [54704]


def test_a_symbol_another_gene_still_holds_waits_for_the_end_of_the_file(tmp_path):
    # Gene 999 holds ANT3 until a later row renames it; SLC25A6's older row comes first.
    make_gene("ANT3", ncbi_gene_id=999)
    lines = GENE_INFO_OLDER.read_text().splitlines()
    ant3 = [line for line in lines if line.startswith("9606\t293\t")]
    renamed = "\t".join(["9606", "999", "ANT3X"] + ["-"] * 13)
    clash = "\t".join(["9606", "998", "ant3x"] + ["-"] * 13)
    path = tmp_path / "gene_info"
    path.write_text("\n".join([lines[0], *ant3, renamed, clash]) + "\n")

    skipped = []
    summary = import_gene_info(path, on_skip=skipped.append, chunk_size=1)

    assert Gene.objects.get(ncbi_gene_id=293).symbol == "ANT3"
    assert Gene.objects.get(ncbi_gene_id=999).symbol == "ANT3X"
    assert not Gene.objects.filter(ncbi_gene_id=998).exists()
    assert [(s.line, s.reason, s.detail) for s in skipped] == [
        (4, "symbol or HGNC ID already held by another gene", "symbol ant3x is Gene ID 999's")
    ]
    assert (summary.created, summary.updated) == (1, 1)


def test_the_command_prints_a_summary_and_reports_skips_on_stderr():
    out, err = io.StringIO(), io.StringIO()
    call_command("genes_import_gene_info", str(GENE_INFO), stdout=out, stderr=err)

    report = out.getvalue()
    assert "created 24, updated 0, unchanged 0, skipped 3 (1 rows about other organisms" in report
    assert "skipped 1: not valid UTF-8 (line 13)" in report
    assert "skipped line 11: GeneID is not a number ('170a')" in err.getvalue()
    assert "100.0%" in err.getvalue()  # the progress line


def test_the_command_refuses_a_file_without_the_gene_info_columns(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "other.tsv"
    path.write_text("a\tb\n1\t2\n")
    with pytest.raises(CommandError, match="has no column tax_id"):
        call_command("genes_import_gene_info", str(path), stdout=io.StringIO())


def test_a_row_the_database_refuses_is_skipped_and_the_rest_of_its_chunk_stored(
    tmp_path, monkeypatch
):
    # As if another process took the symbol between the check and the write.
    from genes.importers import store

    make_gene("ABL1", ncbi_gene_id=999)
    monkeypatch.setattr(store, "_conflicts", lambda plans: ["" for _ in plans])

    skipped = []
    summary = import_gene_info(GENE_INFO, on_skip=skipped.append)

    assert summary.created == 23
    assert [(s.line, s.reason) for s in skipped][-1] == (2, "refused by the database")
    assert Gene.objects.get(ncbi_gene_id=999).symbol == "ABL1"
