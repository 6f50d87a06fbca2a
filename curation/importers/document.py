"""What a parser returns: a document as plain data, independent of the database."""

from dataclasses import dataclass, field
from datetime import date


class ParseError(ValueError):
    """Malformed input. `where` names the line ("line 14") or JSON node path at fault."""

    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass
class GeneData:
    symbol: str = ""
    ncbi_gene_id: int | None = None
    name: str = ""
    gene_family: str = ""
    description: str = ""
    description_source: str = ""
    aliases: list[str] = field(default_factory=list)
    uniprot_ids: list[str] = field(default_factory=list)


@dataclass
class ReferenceData:
    """One cited work, with the fields of `references.Reference` it can fill."""

    key: str  # its number in the document's reference list
    where: str  # the line or node it came from, for messages
    kind: str = "article"
    pmid: int | None = None
    doi: str = ""
    pmcid: str = ""
    url: str = ""
    title: str = ""
    authors: list[dict] = field(default_factory=list)
    journal: str = ""
    journal_abbrev: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    year: int | None = None
    published: str = ""
    medline_date: str = ""
    epub_date: date | None = None
    abstract: str = ""
    publication_types: list[str] = field(default_factory=list)
    mesh_terms: list[str] = field(default_factory=list)
    # A database entry about a gene ("Entrez Gene: IRF7 ..."): the loader links it
    # to that gene's NCBI page when the gene is known.
    gene_symbol: str = ""

    def label(self):
        ident = f"PMID {self.pmid}" if self.pmid else (f"doi:{self.doi}" if self.doi else "")
        return f"reference [{self.key}]" + (f" ({ident})" if ident else "")


@dataclass
class ClaimData:
    text: str
    reference_keys: list[str]
    where: str

    @property
    def markers(self):
        return "".join(f"[{key}]" for key in self.reference_keys)


@dataclass
class Document:
    format: str  # for people: "Wikipedia article"
    symbol: str = ""  # the subject gene, when the document names it
    gene: GeneData | None = None
    claims: list[ClaimData] = field(default_factory=list)
    references: dict[str, ReferenceData] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def skip(self, where, reason, text=""):
        self.skipped.append(f"{where}: {reason}" + (f': "{text}"' if text else ""))

    def keep_cited(self, references, cited, uncited_reason):
        """Keep the references whose keys are in `cited`; report each other one as skipped."""
        for key, reference in references.items():
            if key in cited:
                self.references[key] = reference
            else:
                self.skip(reference.where, f"{reference.label()} {uncited_reason}: not imported")
