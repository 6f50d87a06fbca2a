"""Write a parsed Document to the database: its gene, references and claims.

One transaction per document, so a file imports completely or not at all.
Running the same import again changes nothing: claims are matched by their
gene and text, references by identifier (or title and year when they have
none), and a reused reference only gains the fields it lacked.
"""

import re
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from curation.models import Claim, Section
from genes.models import Gene, GeneName
from references.models import Reference

IMPORTER_USERNAME = "importer"
IDENTIFIERS = ("pmid", "doi", "pmcid", "url")
METADATA = (
    "title",
    "authors",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "year",
    "published",
    "medline_date",
    "epub_date",
    "abstract",
    "publication_types",
    "mesh_terms",
)
WORD = re.compile(r"\w+(?:-\w+)*")


class LoadError(Exception):
    """The document cannot be imported as it stands against the database."""


@dataclass
class LoadResult:
    gene: Gene | None = None
    gene_change: str = ""
    claims_created: int = 0
    claims_present: int = 0
    references_created: int = 0
    references_reused: int = 0
    references_updated: int = 0
    skipped: list[str] = field(default_factory=list)


def importer_user():
    """The default author of imported claims: a user that can never log in."""
    User = get_user_model()
    try:
        return User.objects.get(username=IMPORTER_USERNAME)
    except User.DoesNotExist:
        # No password given: create_user makes it unusable.
        return User.objects.create_user(IMPORTER_USERNAME, is_active=False)


@transaction.atomic
def load_document(*, document, source_name, gene_symbol="", author=None, section=Section.SUMMARY):
    """Import `document` (read from the file `source_name`) and say what happened.

    `gene_symbol` names the subject gene of the claims; it must exist unless the
    document gives the gene's NCBI Gene ID, in which case it is created or updated.
    """
    result = LoadResult(skipped=list(document.skipped))
    gene_symbol = gene_symbol or document.symbol
    if document.gene is not None or document.claims:
        if not gene_symbol:
            raise LoadError("the file names no gene: say which gene it is about (--gene SYMBOL)")
        fields = asdict(document.gene) if document.gene else {}
        fields.pop("symbol", None)
        result.gene, result.gene_change = upsert_gene(gene_symbol, **fields)
    references = {key: _load_reference(data, result) for key, data in document.references.items()}
    for claim in document.claims:
        if Claim.objects.filter(gene=result.gene, text=claim.text).exists():
            result.claims_present += 1
            continue
        author = author or importer_user()
        footnotes = "footnotes" if len(claim.reference_keys) > 1 else "footnote"
        Claim.objects.create_imported(
            author=author,
            gene=result.gene,
            text=claim.text,
            section=section,
            citations=[references[key] for key in claim.reference_keys],
            source=f"Imported from {source_name} ({document.format}), "
            f"{footnotes} {claim.markers}, {claim.where}.",
            mentioned_genes=mentioned_genes(claim.text, exclude=result.gene),
        )
        result.claims_created += 1
    return result


def upsert_gene(symbol, *, ncbi_gene_id=None, aliases=(), uniprot_ids=(), **fields):
    """The gene `symbol`, created or updated with the non-empty `fields`.

    With an NCBI Gene ID the gene is created when missing; without one it must
    exist. Only what changes is written. Returns the gene and what happened
    ("created", "updated name, location", "unchanged").
    """
    fields = {name: value for name, value in fields.items() if value}
    gene = _find_gene(symbol, ncbi_gene_id)
    changes = []
    if gene is None:
        gene = Gene(
            symbol=symbol, ncbi_gene_id=ncbi_gene_id, uniprot_ids=list(uniprot_ids), **fields
        )
        _save_gene(gene)
        changes.append("created")
    else:
        missing = [u for u in uniprot_ids if u not in gene.uniprot_ids]
        if missing:
            fields["uniprot_ids"] = gene.uniprot_ids + missing
        changed = [name for name, value in fields.items() if getattr(gene, name) != value]
        if changed:
            for name in changed:
                setattr(gene, name, fields[name])
            _save_gene(gene, update_fields=[*changed, "updated_at"])
            changes.append("updated " + ", ".join(changed))
    known = {name.upper() for name in gene.aliases} | {gene.symbol.upper()}
    added = [alias for alias in aliases if alias.upper() not in known]
    for alias in added:
        gene.add_name(alias, GeneName.Kind.ALIAS)
    if added:
        changes.append("aliases added: " + ", ".join(added))
    return gene, "; ".join(changes) or "unchanged"


def _find_gene(symbol, ncbi_gene_id):
    if not ncbi_gene_id:
        genes = list(Gene.objects.lookup(symbol)[:2])
        if not genes:
            raise LoadError(f"no gene {symbol} in the database")
        if len(genes) > 1:
            raise LoadError(f"{symbol} is a name of several genes: use the current symbol")
        return genes[0]
    by_id = Gene.objects.filter(ncbi_gene_id=ncbi_gene_id).first()
    by_symbol = Gene.objects.filter(symbol__iexact=symbol).first()
    if by_id != by_symbol:
        stored = by_id.symbol if by_id else f"NCBI Gene {by_symbol.ncbi_gene_id}"
        raise LoadError(
            f"the file says {symbol} is NCBI Gene {ncbi_gene_id}, but the database has "
            f"{by_id or by_symbol} as {stored}"
        )
    return by_id


def _save_gene(gene, update_fields=None):
    try:
        gene.full_clean()
    except ValidationError as e:
        raise LoadError(f"gene {gene.symbol} cannot be stored: {_problems(e)}") from None
    gene.save(update_fields=update_fields)


def mentioned_genes(text, *, exclude):
    """Other genes whose symbol appears in `text` as a whole word, case and all."""
    words = set()
    for word in WORD.findall(text):
        words.add(word)
        words.update(word.split("-"))
    genes = Gene.objects.filter(symbol__in=words).exclude(pk=exclude.pk)
    return [g for g in genes if re.search(rf"(?<!\w){re.escape(g.symbol)}(?!\w)", text)]


def _load_reference(data, result):
    known = {name: getattr(data, name) for name in IDENTIFIERS}
    if data.gene_symbol and not known["url"]:
        gene = Gene.objects.filter(symbol__iexact=data.gene_symbol).first()
        known["url"] = gene.ncbi_url if gene else ""
    reference = _find_reference(data, known)
    values = {name: getattr(data, name) for name in METADATA} | known
    if reference is None:
        reference = Reference(kind=data.kind, manual_metadata=True, **values)
        _save(reference, data)
        result.references_created += 1
        return reference
    result.references_reused += 1
    filled = [name for name, value in values.items() if value and not getattr(reference, name)]
    for name in filled:
        setattr(reference, name, values[name])
    for name in IDENTIFIERS:
        stored = getattr(reference, name)
        if known[name] and stored and _differs(reference, name, known[name]):
            result.skipped.append(
                f"{data.where}: {data.label()}: the file's {name} {known[name]} differs from "
                f"the stored {stored} of reference #{reference.pk}: kept the stored one"
            )
    if filled:
        _save(reference, data)
        result.references_updated += 1
    return reference


def _find_reference(data, known):
    """The stored reference for `data`: by identifier, else by title and year.

    A paper cited by title only (a Wikipedia list) and the same paper with its
    DOI (a PubMed page) are one row whichever came first: the title match is
    kept only when no identifier contradicts it.
    """
    if any(known.values()):
        found = list(Reference.objects.matching(**known))
        if len(found) > 1:
            rows = ", ".join(f"#{r.pk} ({r})" for r in found)
            raise LoadError(
                f"{data.where}: {data.label()} matches several stored references ({rows}); "
                f"merge them first"
            )
        if found:
            return found[0]
    for candidate in Reference.objects.matching(title=data.title, year=data.year):
        if not any(
            known[name] and getattr(candidate, name) and _differs(candidate, name, known[name])
            for name in IDENTIFIERS
        ):
            return candidate
    return None


def _differs(reference, name, value):
    return str(getattr(reference, name)) != str(value)


def _save(reference, data):
    try:
        reference.full_clean()
    except ValidationError as e:
        raise LoadError(f"{data.where}: {data.label()} cannot be stored: {_problems(e)}") from None
    reference.save()


def _problems(error):
    return "; ".join(
        f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
    )
