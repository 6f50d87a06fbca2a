"""Parse the plain text of a Wikipedia-style gene article.

Paragraphs are separated by blank lines. A paragraph is prose when, without
its footnote markers, it is at least one full sentence: four or more words
ending in ".", "!" or "?". Anything else is page furniture (navigation links,
infobox fragments such as "External IDsGeneCards: [1]", section headings), and
so is everything after an end-matter heading ("See also", "Further reading",
"External links", ...). The article's markers decide by shape, never by the
mere presence of "[1]".

Claims follow the Wikipedia convention: a footnote supports the text before it
back to the previous marker or the start of the paragraph. So each span of a
prose paragraph that ends in one or more markers ("...genes.[1][2]") is one
claim citing those references in order. Sentences after a paragraph's last
marker, and paragraphs with no marker, are uncited and are reported, not
imported.

Numbered lines ("  1. Marié I, Durbin JE (November 1998). "Title". Journal.
17 (22): 6660–9. doi:... PMC 1171011. PMID 9822609.") are the reference list.
"""

import re

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

from .citations import (
    normalize_dashes,
    parse_date,
    person_family_first,
    shorten,
    split_authors,
    squash,
)
from .document import ClaimData, Document, ParseError, ReferenceData

FORMAT = "Wikipedia article"

REFERENCE_LINE = re.compile(r"^\s*(?P<number>\d+)\.\s+(?P<body>\S.*?)\s*$")
MARKERS = re.compile(r"\[\d+\](?:\s*\[\d+\])*")
MARKER = re.compile(r"\[(\d+)\]")
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)")
END_MATTER = {
    "see also",
    "references",
    "notes",
    "notes and references",
    "further reading",
    "external links",
    "sources",
    "bibliography",
}
FURNITURE = ("This article incorporates text from", "Retrieved from", "This page was last edited")

AUTHORS_DATE = re.compile(r"^(?P<authors>[^()]*?)\s*\((?P<date>[^()]*)\)\.?$")
TITLE = re.compile(r"[\"“](?P<title>.+?)[\"”](?=\.|\s|$)")
# Where the source ends and the identifiers or access notes begin.
TAIL = re.compile(
    r"\b(?:doi:|PMC\s*\d|PMID\b|Retrieved\b|ISSN\b|ISBN\b|S2CID\b|Bibcode:|hdl:|arXiv:)"
)
SOURCE = re.compile(
    r"^(?P<journal>.+?)\.\s+(?P<volume>\d[^\s():]*)\s*(?:\((?P<issue>[^()]*)\))?"
    r"(?:\s*:\s*(?P<pages>\S+?))?\.?$"
)
IDENTIFIERS = {
    "doi": (re.compile(r"\bdoi:\s*(\S+?)\.?(?=\s|$)"), normalize_doi),
    "pmcid": (re.compile(r"\bPMC\s*(\d\S*?)\.?(?=\s|$)"), normalize_pmcid),
    "pmid": (re.compile(r"\bPMID:?\s*(\S+?)\.?(?=\s|$)"), normalize_pmid),
}
ENTREZ = re.compile(r"^Entrez Gene:\s*(?P<symbol>\S+)")


def parse(text):
    document = Document(format=FORMAT)
    references = {}
    paragraphs = []  # (first line number, the paragraph's lines joined by newlines)
    block = []
    for number, line in enumerate(text.splitlines() + [""], start=1):
        match = REFERENCE_LINE.match(line)
        if match:
            key = str(int(match["number"]))
            if key in references:
                raise ParseError(f"line {number}", f"reference {key} is listed twice")
            references[key] = _parse_reference(key, match["body"], f"line {number}")
        if line.strip() and not match:
            block.append((number, line))
        elif block:
            paragraphs.append((block[0][0], "\n".join(line for _, line in block)))
            block = []

    cited = []
    end_matter = False
    for first, raw in paragraphs:
        flat = squash(raw)
        end_matter = end_matter or flat.lower() in END_MATTER
        if end_matter or not _is_prose(flat):
            document.skip(f"line {first}", "page furniture, not prose", shorten(flat, 50))
            continue
        _parse_paragraph(document, first, raw, references, cited)

    document.keep_cited(references, cited, "is cited by no paragraph")
    return document


def _is_prose(text):
    bare = MARKERS.sub("", text).strip()
    return (
        len(bare.split()) >= 4
        and (bare[0].isalnum() or bare[0] in "\"'“‘(")
        and bool(SENTENCE_END.search(bare))
        and not bare.startswith(FURNITURE)
    )


def _parse_paragraph(document, first, raw, references, cited):
    def line_at(offset):
        return first + raw.count("\n", 0, offset)

    start, last_claim = 0, None
    for match in MARKERS.finditer(raw):
        keys = []
        for key in MARKER.findall(match.group()):
            key = str(int(key))
            if key not in references:
                raise ParseError(
                    f"line {line_at(match.start())}",
                    f"footnote [{key}] points at no entry of the reference list",
                )
            keys.append(key)
            cited.append(key)
        span = raw[start : match.start()]
        if span.strip():
            where = f"line {line_at(start + len(span) - len(span.lstrip()))}"
            last_claim = ClaimData(text=squash(span), reference_keys=keys, where=where)
            document.claims.append(last_claim)
        elif last_claim is not None:
            last_claim.reference_keys += [k for k in keys if k not in last_claim.reference_keys]
        start = match.end()
    rest = squash(raw[start:])
    if last_claim is None:
        document.skip(f"line {first}", "uncited: the paragraph has no footnote", rest)
    elif rest:
        for sentence in SENTENCE_SPLIT.split(rest):
            document.skip(
                f"line {line_at(start)}", "uncited: after the paragraph's last footnote", sentence
            )


def _parse_reference(key, body, where):
    title = TITLE.search(body)
    if not title:
        raise ParseError(where, f"reference {key} cannot be parsed: it has no quoted title")
    reference = ReferenceData(key=key, where=where, title=squash(title["title"]))
    before = body[: title.start()].strip()
    if before:
        match = AUTHORS_DATE.match(before)
        if not match:
            raise ParseError(
                where,
                f"reference {key} cannot be parsed: expected 'Authors (date).' before the "
                f"title, found {shorten(before)!r}",
            )
        reference.authors = split_authors(match["authors"], person_family_first)
        reference.published, reference.year = parse_date(match["date"])
    entrez = ENTREZ.match(reference.title)
    if entrez:
        reference.kind = "database"
        reference.gene_symbol = entrez["symbol"]

    rest = body[title.end() :].lstrip(". ").strip()
    for field, (pattern, normalize) in IDENTIFIERS.items():
        match = pattern.search(rest)
        if match:
            try:
                setattr(reference, field, normalize(match.group(1)))
            except ValueError as e:
                raise ParseError(where, f"reference {key}: {e}") from None
    tail = TAIL.search(rest)
    source = (rest[: tail.start()] if tail else rest).strip()
    match = SOURCE.match(source)
    if match:
        reference.journal = match["journal"].strip()
        reference.volume = match["volume"]
        reference.issue = match["issue"] or ""
        reference.pages = normalize_dashes(match["pages"] or "")
    else:
        reference.journal = source.rstrip(".").strip()
    return reference
