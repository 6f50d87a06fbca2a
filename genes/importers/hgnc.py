"""HGNC's complete set (hgnc_complete_set.txt): the authority's symbols, names and ids.

Tab-separated with a header; columns are found by name, because HGNC adds and
drops columns between releases (location_sortable went in 2023). List fields
are "a|b", sometimes wrapped in double quotes. Rows are matched to genes by
entrez_id (the NCBI Gene ID): HGNC names genes the catalogue already has, so
a row whose gene is unknown is skipped.
"""

from genes.importers.reading import CHUNK, Skip, gene_id, split_list
from genes.importers.store import GeneRow, import_genes
from genes.models import GeneName

COLUMNS = (
    "hgnc_id",
    "symbol",
    "name",
    "location",
    "alias_symbol",
    "prev_symbol",
    "gene_group",
    "entrez_id",
    "ensembl_gene_id",
    "uniprot_ids",
)


def import_hgnc(path, *, on_skip=None, progress=None, chunk_size=CHUNK):
    """Update the genes named by the rows of `path`; return a Summary."""
    return import_genes(
        path,
        COLUMNS,
        parse_row,
        create=False,
        on_skip=on_skip,
        progress=progress,
        chunk_size=chunk_size,
    )


def parse_row(number, fields, summary):
    fields = [f.strip('"').strip() for f in fields]
    hgnc_id, symbol, name, location, aliases, previous, groups, entrez, ensembl, uniprot = fields
    if not entrez:
        summary.skip(Skip(number, "no entrez_id", hgnc_id))
        return None
    identifier = gene_id(entrez)
    if identifier is None:
        summary.skip(Skip(number, "entrez_id is not a number", repr(entrez)))
        return None
    if not hgnc_id.startswith("HGNC:") or not symbol:
        summary.skip(Skip(number, "no HGNC ID or symbol", f"{hgnc_id!r} {symbol!r}"))
        return None
    values = {
        "hgnc_id": hgnc_id,
        "symbol": symbol,
        "name": name,
        "location": location,
        "gene_family": "; ".join(split_list(groups)),
        "ensembl_id": ensembl,
        "uniprot_ids": split_list(uniprot),
    }
    names = [(GeneName.Kind.PREVIOUS, s) for s in split_list(previous)]
    names += [(GeneName.Kind.ALIAS, s) for s in split_list(aliases)]
    return GeneRow(number, identifier, values, names)
