"""Paths and small helpers shared by the gene catalogue tests."""

from pathlib import Path

from genes.importers.gene_history import import_gene_history
from genes.importers.gene_info import import_gene_info

DATA = Path(__file__).resolve().parent / "data" / "genes"
NCBI = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "ncbi"
GENE_INFO = DATA / "gene_info.tsv"
GENE_INFO_OLDER = DATA / "gene_info_older.tsv"
GENE_HISTORY = NCBI / "gene_history_human_excerpt_20260421.tsv"
HGNC_2026 = NCBI / "hgnc_complete_set_excerpt_2026.tsv"
HGNC_2023 = NCBI / "hgnc_complete_set_excerpt_2023_with_location_sortable.tsv"
ESUMMARY_HUMAN = DATA / "esummary_gene_human.json"


def load_catalogue():
    """The gene_info test file, then NCBI's gene history; return both summaries."""
    return import_gene_info(GENE_INFO), import_gene_history(GENE_HISTORY)


def outcome(summary):
    return {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": sum(summary.skipped.values()),
    }
