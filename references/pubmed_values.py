"""The values of a PubMed record, shared by the two ways of reading one.

``pubmed_parser`` reads a record from its lxml tree and ``pubmed_scan`` from
its text; both turn what they find into Reference fields here, so that dates,
DOIs, markup and the field list are decided in one place.

Markup: ``rich()`` keeps ``<i> <b> <u> <sup> <sub>`` and MathML presentation
elements (written as HTML5 ``<math>``), all without attributes. Every other tag
is dropped with its text kept, and all text is escaped, so the HTML can be
marked safe in a template. Plain text has whitespace collapsed; MathML becomes
the text of its token elements, pre-scripts first (``3He``, ``V.O2max``).
"""

import re
from datetime import date
from html import escape

from references.identifiers import normalize_doi, normalize_pmcid

INLINE_TAGS = frozenset({"i", "b", "u", "sup", "sub"})
MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup",
        "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover",
        "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd", "mstyle",
        "mpadded", "mphantom", "menclose", "mfenced", "merror", "semantics",
    }
)  # fmt: skip
MATHML_TOKENS = frozenset({"mi", "mn", "mo", "ms", "mtext"})
# Alternative encodings of the same formula (TeX, content MathML): noise in text, unsafe in HTML.
MATHML_DROPPED = frozenset({"annotation", "annotation-xml"})

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
MONTH_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![a-z])", re.I
)
YEAR_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
PMCID_VERSION = re.compile(r"\.[0-9]+$")
XML_SPACE = re.compile(r"[ \t\r\n]+")
RETRACTED_TYPE = "Retracted Publication"

FIELDS = (
    "kind", "pmid", "pmid_version", "doi", "pmcid", "url", "title", "title_html",
    "vernacular_title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages",
    "year", "published", "medline_date", "epub_date", "abstract", "abstract_sections",
    "publication_types", "mesh_terms", "language", "retracted", "retraction_pmids",
    "erratum_pmids", "concern_pmids",
    # Beyond DESIGN.md's list:
    "season", "abstract_html", "languages", "comments_corrections", "medline_status",
    "date_revised", "book_title", "book_accession", "publisher", "publisher_location", "editors",
)  # fmt: skip
LIST_FIELDS = frozenset(
    {
        "authors", "abstract_sections", "publication_types", "mesh_terms", "retraction_pmids",
        "erratum_pmids", "concern_pmids", "languages", "comments_corrections", "editors",
    }
)  # fmt: skip
_EMPTY = {field: [] if field in LIST_FIELDS else None for field in FIELDS} | {"retracted": False}


class RecordError(ValueError):
    """One record breaks a rule of the format (no PMID, no Article, ...)."""


def reference(**values):
    """The Reference fields in a fixed order: absent ones None, or [] for lists."""
    data = {field: [] if field in LIST_FIELDS else value for field, value in _EMPTY.items()}
    data.update(values)
    if len(data) != len(FIELDS):
        raise TypeError(f"not Reference fields: {sorted(set(values) - set(FIELDS))}")
    return data


def article_reference(*, publication_types, links, **values):
    """The Reference of a journal article, with what its publication types and links imply."""
    return reference(
        kind="article",
        publication_types=publication_types,
        # Either sign can lag the other, so either one is enough.
        retracted=RETRACTED_TYPE in publication_types
        or any(link["type"] == "RetractionIn" for link in links),
        retraction_pmids=linked(links, "RetractionIn"),
        erratum_pmids=linked(links, "ErratumIn"),
        concern_pmids=linked(links, "ExpressionOfConcernIn"),
        comments_corrections=links,
        **values,
    )


def pmid_and_version(text, version):
    """(PMID as a string, its version as an int) of a PMID's text and Version attribute."""
    if not text:
        raise RecordError("no PMID")
    if not digits(text) or int(text) == 0:
        raise RecordError(f"{text!r} is not a PMID")
    return str(int(text)), int(version) if digits(version or "") else 1


def digits(text):
    """Whether text is ASCII digits only, like ``[0-9]+``."""
    return text.isascii() and text.isdigit()


def doi_of(candidates):
    """The first of the candidate DOIs that is one, normalised; None if none is."""
    for candidate in candidates:
        if candidate:
            try:
                return normalize_doi(candidate)
            except ValueError:
                continue
    return None


def pmcid_of(value):
    if not value:
        return None
    try:
        # Versioned PMCIDs exist (PMC8095192.2); the work is the same.
        return normalize_pmcid(PMCID_VERSION.sub("", value))
    except ValueError:
        return None


def pages_of(medline_pages, start, end):
    if medline_pages:
        return medline_pages
    return f"{start}-{end}" if start and end and end != start else start


def pub_date(medline_date, year, month, day, season):
    """(year, published, medline_date, season) of a <PubDate>'s plain values.

    ``published`` is an ISO date at the precision given. A MedlineDate keeps
    its text; its year is the first one in it, and it gives a month only when
    it names exactly one year and one month ("1977 Apr 17-21"), since a range
    ("2021 Jan-Mar") has no single month.
    """
    if medline_date:
        years = YEAR_IN_TEXT.findall(medline_date)
        if not years:
            return None, None, medline_date, None
        first = int(years[0])
        months = MONTH_WORD.findall(medline_date)
        number = MONTHS[months[0].lower()] if len(years) == 1 and len(months) == 1 else None
        return first, iso_date(first, number, None), medline_date, None
    if not year or len(year) != 4 or not digits(year):
        return None, None, None, None
    return int(year), iso_date(int(year), month_number(month), day), None, season


def iso_date(year, month, day):
    if not month:
        return f"{year:04d}"
    try:
        return date(year, month, int(day)).isoformat()
    except (TypeError, ValueError):
        return f"{year:04d}-{month:02d}"


def month_number(text):
    """'Jun', 'June', '06' or '6' -> 6; anything else -> None."""
    if not text:
        return None
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text[:3].lower())


def full_date(year, month, day):
    """ISO date of raw Year and Day texts and a plain Month, or None."""
    try:
        return date(int(year), month_number(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def linked(links, ref_type):
    return list(
        dict.fromkeys(link["pmid"] for link in links if link["type"] == ref_type and link["pmid"])
    )


def abstract_of(parts):
    """(plain text, safe HTML, sections) of an abstract's (text, markup, label, category) parts.

    Parts with no text are left out.
    """
    sections, paragraphs = [], []
    for text, markup, label, category in parts:
        if not text:
            continue
        label = (label or "").strip() or None
        sections.append({"label": label, "category": category or None, "text": text})
        if label:
            markup = f"<b>{escape(label, quote=False)}:</b> {markup}"
        paragraphs.append(f"<p>{markup}</p>")
    text = "\n\n".join(
        f"{section['label']}: {section['text']}" if section["label"] else section["text"]
        for section in sections
    )
    return text or None, "".join(paragraphs) or None, sections


def collapse(text):
    """Runs of white space (Unicode's, as str.split sees it) made one space; ends stripped."""
    # Most text has nothing to collapse; isprintable() is False for every space but " ".
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def plain_text(text):
    """Collapsed text, or None when there is none."""
    return (collapse(text) or None) if text else None


def rich_text(text):
    """(plain text, safe HTML) of text without markup."""
    return collapse(text) or None, collapse_xml_space(escape(text, quote=False)) or None


def collapse_xml_space(markup):
    # Only XML's own white space: a no-break space in the text is meant.
    if "  " in markup or "\n" in markup or "\t" in markup or "\r" in markup:
        markup = XML_SPACE.sub(" ", markup)
    return markup.strip()


def rich(element):
    """(plain text, safe HTML) of a mixed-content element such as ArticleTitle."""
    if element is None:
        return None, None
    if not len(element):
        return rich_text(element.text or "")
    text, markup = [], []
    _walk(element, text, markup)
    return collapse("".join(text)) or None, collapse_xml_space("".join(markup)) or None


def _walk(element, text, markup):
    if element.text:
        text.append(element.text)
        markup.append(escape(element.text, quote=False))
    for child in element:
        name = local_name(child.tag)
        if name == "math":
            text.append(_math_text(child))
            markup.append(_math_html(child))
        elif name in INLINE_TAGS:
            markup.append(f"<{name}>")
            _walk(child, text, markup)
            markup.append(f"</{name}>")
        else:  # Any other tag is dropped and its text kept.
            _walk(child, text, markup)
        if child.tail:
            text.append(child.tail)
            markup.append(escape(child.tail, quote=False))


def _math_text(element):
    name = local_name(element.tag)
    if name in MATHML_DROPPED:
        return ""
    if name in MATHML_TOKENS:
        return "".join(element.itertext())
    children = list(element)
    if name == "mmultiscripts":
        # base, post-scripts, <mprescripts/>, pre-scripts: read the pre-scripts first ("3He").
        names = [local_name(child.tag) for child in children]
        if "mprescripts" in names:
            split = names.index("mprescripts")
            children = children[split + 1 :] + children[:split]
    return "".join(map(_math_text, children))


def _math_html(element):
    """MathML elements from a whitelist, without attributes; text escaped."""
    name = local_name(element.tag)
    if name in MATHML_DROPPED:
        return ""
    parts = []
    # Between elements, whitespace is layout of the XML, not of the formula.
    if element.text and (name in MATHML_TOKENS or element.text.strip()):
        parts.append(escape(element.text, quote=False))
    for child in element:
        parts.append(_math_html(child))
        if child.tail and child.tail.strip():
            parts.append(escape(child.tail, quote=False))
    inner = "".join(parts)
    return f"<{name}>{inner}</{name}>" if name in MATHML_TAGS else inner


def local_name(tag):
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
