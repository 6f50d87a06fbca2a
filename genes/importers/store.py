"""Create or update many genes at once, by NCBI Gene ID: the write side of the importers."""

from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from genes.importers.reading import CHUNK, Skip, chunks, import_file
from genes.models import Gene, GeneName
from genes.signals import catalogue_changed

CONFLICT = "symbol or HGNC ID already held by another gene"


@dataclass
class GeneRow:
    """What one line of a file says about one gene."""

    line: int
    ncbi_gene_id: int
    values: dict  # Gene fields; empty values are ignored
    names: list = field(default_factory=list)  # [(GeneName.Kind, name)]


@dataclass
class _Plan:
    row: GeneRow
    gene: Gene
    new: bool
    changed: list
    old_symbol: str | None


def import_genes(path, columns, parse_row, *, create, on_skip, progress, chunk_size=CHUNK):
    """Store the GeneRows `parse_row` makes of the lines of `path` (see import_file),
    then the rows deferred to the end of the file; return the Summary."""
    deferred = []
    store = partial(store_rows, create=create, deferred=deferred)
    summary = import_file(
        path, columns, parse_row, store, on_skip=on_skip, progress=progress, chunk_size=chunk_size
    )
    # The rest of the file is in: conflicts left now are skipped.
    for chunk in chunks(deferred, chunk_size):
        store_rows(chunk, summary, create=create)
    return summary


def store_rows(rows, summary, *, create, deferred=None):
    """Write one chunk of GeneRows in one transaction and count each row in `summary`.

    Genes are matched by NCBI Gene ID; unknown ones are created only if
    `create`. A renamed gene keeps its old symbol as a previous symbol. A row
    that would take a symbol or HGNC ID another gene still holds goes to
    `deferred`, to be stored again at the end of the file (the other gene may
    be renamed further down); without `deferred` it is skipped.
    """
    try:
        with transaction.atomic():
            outcomes = _store(rows, create, deferred is not None)
    except IntegrityError:
        # Another process wrote some of these genes meanwhile: store them one by one.
        outcomes = []
        for row in rows:
            try:
                with transaction.atomic():
                    outcomes.extend(_store([row], create, deferred is not None))
            except IntegrityError as e:
                outcomes.append((row, Skip(row.line, "refused by the database", str(e)[:200])))
    for row, outcome in outcomes:
        if outcome == "deferred":
            deferred.append(row)
        else:
            summary.count(outcome)
    if any(outcome in ("created", "updated") for _, outcome in outcomes):
        # Bulk queries send no save signals. Each chunk is committed on its own, so what shows
        # genes is told now, not at the end of a file that may take minutes.
        catalogue_changed.send(sender=Gene)


def _store(rows, create, may_defer):
    ids = [row.ncbi_gene_id for row in rows]
    genes = Gene.objects.in_bulk(ids, field_name="ncbi_gene_id")
    # By primary key, not by a join on the Gene ID: the index on gene_id serves it
    # however large the table grows.
    names = set(
        GeneName.objects.filter(gene_id__in=[g.pk for g in genes.values()]).values_list(
            "gene_id", "kind", "name_upper"
        )
    )
    previous = {}
    for gene_pk, kind, name in names:
        if kind == GeneName.Kind.PREVIOUS:
            previous.setdefault(gene_pk, set()).add(name)

    outcomes, plans, seen = [], [], set()
    for row in rows:
        if row.ncbi_gene_id in seen:
            # Stored after this chunk, so that the file's last line about a gene wins.
            outcomes.append((row, "deferred" if may_defer else _repeated(row)))
            continue
        seen.add(row.ncbi_gene_id)
        gene = genes.get(row.ncbi_gene_id)
        if gene is None and not create:
            outcomes.append(
                (row, Skip(row.line, "Gene ID not in the catalogue", f"{row.ncbi_gene_id}"))
            )
            continue
        new = gene is None
        if new:
            gene = Gene(ncbi_gene_id=row.ncbi_gene_id)
        changed, old_symbol = gene.take_values(row.values, previous.get(gene.pk, ()))
        plans.append(_Plan(row, gene, new, changed, old_symbol))

    accepted = []
    for plan, conflict in zip(plans, _conflicts(plans), strict=True):
        if conflict:
            skip = Skip(plan.row.line, CONFLICT, conflict)
            outcomes.append((plan.row, "deferred" if may_defer else skip))
        else:
            accepted.append(plan)

    now = timezone.now()
    Gene.objects.bulk_create([p.gene for p in accepted if p.new])
    updated = [p for p in accepted if p.changed and not p.new]
    if updated:
        fields = sorted({f for p in updated for f in p.changed} | {"updated_at"})
        for plan in updated:
            plan.gene.updated_at = now
        Gene.objects.bulk_update([p.gene for p in updated], fields, batch_size=500)

    new_names = []
    for plan in accepted:
        wanted = list(plan.row.names)
        if plan.old_symbol:
            wanted.insert(0, (GeneName.Kind.PREVIOUS, plan.old_symbol))
        added = [n for kind, name in wanted if (n := plan.gene.new_name(kind, name, names))]
        new_names += added
        if plan.new:
            outcome = "created"
        elif plan.changed or added:
            outcome = "updated"
        else:
            outcome = "unchanged"
        outcomes.append((plan.row, outcome))
    GeneName.objects.bulk_create(new_names, ignore_conflicts=True)
    return outcomes


def _conflicts(plans):
    """For each plan, why it cannot be stored now (another gene holds its symbol or HGNC ID), or ""."""
    symbols = [p.gene.symbol for p in plans if p.new or "symbol" in p.changed]
    holders = Gene.objects.symbol_holders(symbols) if symbols else {}
    hgnc_ids = [
        p.gene.hgnc_id for p in plans if p.gene.hgnc_id and (p.new or "hgnc_id" in p.changed)
    ]
    hgnc_holders = dict(
        Gene.objects.filter(hgnc_id__in=hgnc_ids).values_list("hgnc_id", "ncbi_gene_id")
    )
    taken_symbols, taken_hgnc = {}, {}
    for plan in plans:
        gene, own = plan.gene, plan.gene.ncbi_gene_id
        symbol = gene.symbol.upper()
        if plan.new or "symbol" in plan.changed:
            holder = holders.get(symbol, taken_symbols.get(symbol, own))
            if holder != own:
                yield f"symbol {gene.symbol} is Gene ID {holder}'s"
                continue
        if gene.hgnc_id and (plan.new or "hgnc_id" in plan.changed):
            holder = hgnc_holders.get(gene.hgnc_id, taken_hgnc.get(gene.hgnc_id, own))
            if holder != own:
                yield f"{gene.hgnc_id} is Gene ID {holder}'s"
                continue
        taken_symbols[symbol] = own
        if gene.hgnc_id:
            taken_hgnc[gene.hgnc_id] = own
        yield ""


def _repeated(row):
    return Skip(row.line, "Gene ID repeated in the file", f"{row.ncbi_gene_id}")
