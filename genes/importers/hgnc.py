"""HGNC's complete set (hgnc_complete_set.txt): the authority's symbols, names and ids.

Tab-separated with a header; columns are found by name, because HGNC adds and
drops columns between releases (location_sortable went in 2023). List fields
are "a|b", sometimes wrapped in double quotes. Rows are matched to genes by
entrez_id (the NCBI Gene ID): HGNC names genes the catalogue already has, so
a row whose gene is unknown is skipped.
"""

from genes.importers.reading import CHUNK, Skip, Summary, Table, chunks, gene_id, split_list
from genes.importers.store import GeneRow, store_deferred, store_rows
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
    summary = Summary(on_skip=on_skip)
    deferred = []
    with Table(path) as table:
        rows = read_rows(table, summary)
        for chunk in chunks(rows, chunk_size):
            store_rows(chunk, summary, create=False, deferred=deferred)
            if progress:
                progress(table.position / (table.size or 1), summary)
    store_deferred(deferred, summary, create=False, chunk_size=chunk_size)
    return summary


def read_rows(table, summary):
    columns = table.index(*COLUMNS)
    for number, fields in table:
        if isinstance(fields, Skip):
            summary.skip(fields)
            continue
        row = parse_row(number, [fields[i].strip().strip('"').strip() for i in columns], summary)
        if row:
            yield row


def parse_row(number, fields, summary):
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
