"""NCBI's gene_info (Homo_sapiens.gene_info.gz): every gene of an organism, upserted by Gene ID.

Columns (tab-separated, "-" for empty, lists separated by "|"): tax_id,
GeneID, Symbol, LocusTag, Synonyms, dbXrefs, chromosome, map_location,
description, type_of_gene, Symbol_from_nomenclature_authority,
Full_name_from_nomenclature_authority, Nomenclature_status,
Other_designations, Modification_date, Feature_type. Columns are found by
header name.
"""

from functools import partial

from genes.importers.reading import CHUNK, Skip, gene_id, ncbi_value, split_list
from genes.importers.store import GeneRow, import_genes
from genes.models import HUMAN, Gene, GeneName

COLUMNS = (
    "tax_id",
    "GeneID",
    "Symbol",
    "Synonyms",
    "dbXrefs",
    "chromosome",
    "map_location",
    "description",
    "type_of_gene",
    "Full_name_from_nomenclature_authority",
)
SYMBOL_LENGTH = Gene._meta.get_field("symbol").max_length


def import_gene_info(path, *, tax_id=HUMAN, on_skip=None, progress=None, chunk_size=CHUNK):
    """Create or update a gene per row of `path` about `tax_id`; return a Summary.

    `progress(fraction of the file read, summary)` is called after each chunk.
    """
    parse = partial(parse_row, tax_id=str(tax_id))
    return import_genes(
        path, COLUMNS, parse, create=True, on_skip=on_skip, progress=progress, chunk_size=chunk_size
    )


def parse_row(number, fields, summary, *, tax_id):
    taxon, ncbi_id, symbol, synonyms, xrefs, chromosome, location, description, kind, name = fields
    if not summary.is_taxon(number, taxon, tax_id):
        return None
    identifier = gene_id(ncbi_id)
    if identifier is None:
        summary.skip(Skip(number, "GeneID is not a number", repr(ncbi_id)))
        return None
    symbol = ncbi_value(symbol)
    if not symbol or len(symbol) > SYMBOL_LENGTH:
        summary.skip(Skip(number, "no usable symbol", repr(symbol)))
        return None
    references = db_xrefs(xrefs)
    values = {
        "symbol": symbol,
        "name": ncbi_value(name) or ncbi_value(description),
        "chromosome": ncbi_value(chromosome),
        "location": ncbi_value(location),
        "gene_type": ncbi_value(kind),
        "hgnc_id": next(iter(references.get("HGNC", [])), ""),
        "ensembl_id": next(iter(references.get("Ensembl", [])), ""),
        "mim_ids": references.get("MIM", []),
    }
    names = [(GeneName.Kind.ALIAS, alias) for alias in split_list(synonyms)]
    return GeneRow(number, identifier, values, names)


def db_xrefs(text):
    """{"HGNC": ["HGNC:76"], "MIM": ["189980"], "Ensembl": [...], ...} from a dbXrefs field.

    Each entry is DATABASE:ID, and HGNC's ID has its own prefix (HGNC:HGNC:76).
    """
    found = {}
    for entry in split_list(text):
        database, _, identifier = entry.partition(":")
        if identifier and identifier not in found.get(database, []):
            found.setdefault(database, []).append(identifier)
    return found
