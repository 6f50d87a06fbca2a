"""Parse the text of a PubMed abstract web page (pubmed.ncbi.nlm.nih.gov/<PMID>/).

The page yields one reference: the citation line ("Nat Med. 2012 Aug;18(8):
1224-31." — the journal may be missing), its DOI and Epub date, the title on
the first line after them, the author line ("Bradley N Bidwell et al. Nat Med.
2012 Aug."; it names the first author only) and the abstract between
"Abstract" and "PubMed Disclaimer". Identifiers are taken only from the page:
a page that shows no PMID gives a reference without one.
"""

import re
from datetime import date

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

from .citations import normalize_dashes, parse_date, person_given_first, split_authors, squash
from .document import Document, ParseError, ReferenceData

FORMAT = "PubMed abstract page"

CITATION = re.compile(
    r"^(?P<journal>[^.;]*?)\.\s*(?P<date>(?:1[6-9]|20)\d\d\b[^;.]*);\s*(?P<volume>[^(:;.\s]*)"
    r"(?:\((?P<issue>[^)]*)\))?(?::\s*(?P<pages>[^.;\s]+))?\."
)
DOI = re.compile(r"\bdoi:\s*(\S+?)\.?(?=\s|$)")
EPUB = re.compile(r"\bEpub\s+(?P<date>\d{4}\s+[A-Za-z]{3}(?:\s+\d{1,2})?)")
PMID = re.compile(r"^PMID:\s*(\S+)")
PMCID = re.compile(r"^PMCID:\s*(\S+)")
AUTHOR_LINE = re.compile(r"^(?P<authors>.+?)\.\s+(?P<journal>[^.]+)\.\s+(?P<date>\d{4}[^.]*)\.$")
BADGES = {"Free article", "Free PMC article", "Review", "Comparative Study", "Clinical Trial"}
HEADINGS = {
    "Abstract",
    "Affiliations",
    "PubMed Disclaimer",
    "Keywords",
    "Conflict of interest statement",
    "Figures",
    "Similar articles",
    "Cited by",
    "References",
    "Publication types",
    "MeSH terms",
    "Substances",
    "Grants and funding",
    "Comment in",
    "Related information",
    "LinkOut - more resources",
}


def parse(text):
    lines = [line.strip() for line in text.splitlines()]
    found = next(((i, m) for i, line in enumerate(lines) if (m := CITATION.match(line))), None)
    if found is None:
        raise ParseError(
            f"line {len(lines)}",
            "reached the end of the page without a citation line like "
            "'Nat Med. 2012 Aug;18(8):1224-31.'",
        )
    at, citation = found
    reference = ReferenceData(key="1", where=f"line {at + 1}")
    reference.journal_abbrev = citation["journal"].strip()
    reference.published, reference.year = parse_date(citation["date"])
    if (
        reference.published == str(reference.year)
        and citation["date"].strip() != reference.published
    ):
        reference.medline_date = citation["date"].strip()
    reference.volume = citation["volume"]
    reference.issue = citation["issue"] or ""
    reference.pages = normalize_dashes(citation["pages"] or "")

    # The DOI and Epub date follow the citation, on its line or the next one.
    title_at = at + 1
    heads = [(at, lines[at][citation.end() :])]
    if title_at < len(lines) and re.match(r"(doi:|Epub\b)", lines[title_at]):
        heads.append((title_at, lines[title_at]))
        title_at += 1
    for i, head in heads:
        _set_identifier(reference, "doi", DOI.search(head), normalize_doi, f"line {i + 1}")
        epub = EPUB.search(head)
        if epub:
            published, _ = parse_date(epub["date"])
            reference.epub_date = date.fromisoformat(published) if len(published) == 10 else None

    while title_at < len(lines) and (not lines[title_at] or lines[title_at] in BADGES):
        title_at += 1
    if title_at == len(lines):
        raise ParseError(f"line {len(lines)}", "the page ends before the article's title")
    if lines[title_at] in HEADINGS:
        raise ParseError(
            f"line {title_at + 1}",
            f"expected the article's title after the citation line, found {lines[title_at]!r}",
        )
    reference.title = lines[title_at]

    for number, line in enumerate(lines, start=1):
        _set_identifier(reference, "pmid", PMID.match(line), normalize_pmid, f"line {number}")
        _set_identifier(reference, "pmcid", PMCID.match(line), normalize_pmcid, f"line {number}")

    abstract_at = _find(lines, "Abstract", title_at)
    for line in lines[title_at + 1 : abstract_at]:
        match = AUTHOR_LINE.match(line)
        if match:
            reference.authors = split_authors(match["authors"], person_given_first)
            reference.journal_abbrev = reference.journal_abbrev or match["journal"].strip()
            break
    reference.abstract = "\n\n".join(_section(lines, abstract_at))
    reference.publication_types = _section(lines, _find(lines, "Publication types"))
    reference.mesh_terms = _section(lines, _find(lines, "MeSH terms"))

    document = Document(format=FORMAT, references={"1": reference})
    cited = [
        line for line in _section(lines, _find(lines, "References")) if re.match(r"\d+\.", line)
    ]
    if cited:
        document.skip(
            f"line {_find(lines, 'References') + 1}",
            f"the page's own reference list ({len(cited)} works the article cites) is not imported",
        )
    return document


def _set_identifier(reference, field, match, normalize, where):
    if match:
        try:
            setattr(reference, field, normalize(match.group(1)))
        except ValueError as e:
            raise ParseError(where, str(e)) from None


def _find(lines, heading, start=0):
    return next((i for i in range(start, len(lines)) if lines[i] == heading), len(lines))


def _section(lines, heading_at):
    """The non-blank lines after a heading, up to the next heading."""
    items = []
    for line in lines[heading_at + 1 :]:
        if line in HEADINGS:
            break
        if line:
            items.append(squash(line))
    return items
