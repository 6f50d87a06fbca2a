"""NCBI's gene_history: Gene IDs that were discontinued, and the gene that replaced each.

Columns: tax_id, GeneID (the replacement, or "-" when the ID was withdrawn
without one), Discontinued_GeneID, Discontinued_Symbol, Discontinue_Date
(YYYYMMDD). The discontinued ID and symbol become names of the replacement,
so old links and searches find it. A discontinued ID that is still a gene of
the catalogue is marked discontinued (never deleted) and its claims are
flagged for a curator.
"""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db import transaction

from genes.importers.reading import CHUNK, Skip, gene_id, import_file, ncbi_value
from genes.models import HUMAN, Gene, GeneName
from genes.signals import catalogue_changed

COLUMNS = ("tax_id", "GeneID", "Discontinued_GeneID", "Discontinued_Symbol", "Discontinue_Date")


@dataclass
class HistoryRow:
    line: int
    replacement: int | None  # None: withdrawn without a successor
    discontinued: int
    symbol: str
    on: date


def import_gene_history(path, *, tax_id=HUMAN, on_skip=None, progress=None, chunk_size=CHUNK):
    """Record the discontinued Gene IDs of `tax_id` in `path`; return a Summary."""
    parse = partial(parse_row, tax_id=str(tax_id))
    return import_file(
        path,
        COLUMNS,
        parse,
        store_history,
        on_skip=on_skip,
        progress=progress,
        chunk_size=chunk_size,
    )


def parse_row(number, fields, summary, *, tax_id):
    taxon, current, discontinued, symbol, when = fields
    if not summary.is_taxon(number, taxon, tax_id):
        return None
    replacement = gene_id(current)
    old = gene_id(discontinued)
    if (replacement is None and current != "-") or old is None:
        summary.skip(Skip(number, "GeneID is not a number", f"{current!r} {discontinued!r}"))
        return None
    try:
        on = date(int(when[:4]), int(when[4:6]), int(when[6:8]))
    except ValueError:
        summary.skip(Skip(number, "Discontinue_Date is not YYYYMMDD", repr(when)))
        return None
    return HistoryRow(number, replacement, old, ncbi_value(symbol), on)


@transaction.atomic
def store_history(rows, summary):
    """Store one chunk and count each row's outcome in `summary`."""
    ids = {r.replacement for r in rows if r.replacement} | {r.discontinued for r in rows}
    genes = Gene.objects.in_bulk(ids, field_name="ncbi_gene_id")
    by_pk = {g.pk: g for g in genes.values()}
    # Genes merged later into others still: one query per step along the chains.
    while later := {g.replaced_by_id for g in by_pk.values()} - by_pk.keys() - {None}:
        by_pk.update(Gene.objects.in_bulk(later))
    pointers = set(
        GeneName.objects.filter(
            gene_id__in=by_pk,
            kind__in=[GeneName.Kind.DISCONTINUED, GeneName.Kind.DISCONTINUED_ID],
        ).values_list("gene_id", "kind", "name_upper")
    )
    new_names = []
    for row in rows:
        target = genes.get(row.replacement) if row.replacement else None
        if row.replacement and target is None:
            summary.count(
                Skip(row.line, "replacement Gene ID not in the catalogue", f"{row.replacement}")
            )
            continue
        while target and target.replaced_by_id:  # the replacement was itself merged later
            target = by_pk[target.replaced_by_id]
        added = []
        if target:
            for kind, name in (
                (GeneName.Kind.DISCONTINUED_ID, str(row.discontinued)),
                (GeneName.Kind.DISCONTINUED, row.symbol),
            ):
                if pointer := target.new_name(kind, name, pointers, discontinued_on=row.on):
                    added.append(pointer)
            new_names += added
        old = genes.get(row.discontinued)
        retired = bool(old and old != target and old.discontinue(on=row.on, replaced_by=target))
        summary.count("updated" if retired else "created" if added else "unchanged")
    if new_names:
        GeneName.objects.bulk_create(new_names, ignore_conflicts=True)
        catalogue_changed.send(sender=Gene)  # bulk_create sends no post_save
