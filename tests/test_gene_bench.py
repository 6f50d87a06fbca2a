"""The gene_info import benchmark runs on a tiny file and says what it measured."""

from bench.genes import gene_info_import, write_gene_info
from genes.importers.gene_info import import_gene_info
from genes.models import Gene


def test_the_benchmark_imports_every_row_then_finds_them_unchanged():
    title, rows = gene_info_import(0.001)  # 200 rows; raises unless all created then unchanged
    assert title.startswith("gene_info import: 200 synthetic rows")
    assert [(r.name, r.unit) for r in rows] == [
        ("first import (all created)", "rows/s"),
        ("second import (all unchanged)", "rows/s"),
        ("peak memory, whole file", "MB"),
    ]
    assert all(r.value > 0 for r in rows[:2])


def test_the_synthetic_rows_are_read_like_ncbis(db, tmp_path):
    path = tmp_path / "gene_info"
    write_gene_info(path, 12)
    summary = import_gene_info(path)
    assert (summary.created, sum(summary.skipped.values())) == (12, 0)
    gene = Gene.objects.get(ncbi_gene_id=1)
    assert (gene.symbol, gene.hgnc_id, gene.mim_ids) == ("SYN1", "HGNC:1", ["600001"])
