"""Read PubMed XML into Reference dicts, one record at a time.

The input is what efetch returns for ``db=pubmed&retmode=xml`` and what NLM
ships as baseline and update files (same format, often gzipped): a
``<PubmedArticleSet>`` of ``<PubmedArticle>`` and ``<PubmedBookArticle>``
records, possibly followed by a ``<DeleteCitation>`` block. This module knows
nothing of Django, so the fetch tasks, the ``pubmed_parse`` command and the
tests share it.

``iter_records(source)`` yields, in file order:

- ``ParsedRecord(data)``: a record read; ``data`` holds the Reference JSON
  fields of DESIGN.md (absent values None, or [] for lists) plus a few extras.
- ``FailedRecord(pmid, reason)``: a record that could not be read (``pmid`` is
  None when even that is unreadable). The records around it still come out.
- ``DeletedRecord(pmid, version)``: one PMID of a ``<DeleteCitation>`` block.
  It is a notice, not a delivered record.

An empty set yields nothing: it is efetch's answer for unknown PMIDs, and the
caller diffs the PMIDs it asked for against those it got. A document that is
not a PubMed set at all (an HTML error page, another E-utility's answer)
raises ``PubmedXMLError`` on the first ``next()``, before any record; an
E-utilities error body (``<ERROR>``, esearch's ``<ErrorList>``) raises its
subclass ``EutilsError``, whose ``messages`` list every error given.

Memory stays flat whatever the size of the file: bytes are read in blocks,
each record is cut out at its top-level tags, the records of about a block
are parsed together with lxml, and nothing of them is kept once they have
been yielded. A broken record must fail alone, and no XML parser resumes after
a syntax error, so with one ``iterparse`` over the whole file a truncated
record would lose every record after it; instead, a batch that does not parse
is parsed again record by record. Cutting at tags is safe because a literal
``<`` can only be markup in XML; NCBI's files carry no comments or CDATA
sections that could hide one. Records are read as UTF-8, which is what NCBI
serves.

Two readers share this work. The compiled one (``_pubmed_fast.c``, built by
``make install``) checks and reads each record in one pass over its bytes, about
five times as fast as the lxml reader below; it takes only the records it is sure to
read exactly as the code below does and stops before any other, which the lxml
reader below then reads. So the lxml reader alone decides every error message
and every rare case, and it reads everything when the C module is not built.
tests/test_pubmed_compiled_reader.py holds the two to the same output.

Markup: ``title_html`` and ``abstract_html`` keep ``<i> <b> <u> <sup> <sub>``
and MathML presentation elements (written as HTML5 ``<math>``), all without
attributes. Every other tag is dropped with its text kept, and all text is
escaped, so the HTML can be marked safe in a template. ``title`` and
``abstract`` are plain text with whitespace collapsed; MathML becomes the text
of its token elements, pre-scripts first (``3He``, ``V.O2max``).
"""

import gzip
import io
import os
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from datetime import date
from html import escape

from lxml import etree

from references.identifiers import normalize_doi, normalize_pmcid

try:
    from references import _pubmed_fast as FAST
except ImportError:  # Not built (`make install` builds it): the lxml reader reads every record.
    FAST = None

BLOCK_SIZE = 256 * 1024
# Records parsed in one parser call: enough for the call's cost to vanish, few enough that
# their trees take little memory (a batch's tree is several times its size).
BATCH_SIZE = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
SET_TAGS = ("PubmedArticleSet", "PubmedBookArticleSet")
RECORD_START = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)[\s/>]")
RECORD_NAMES = {
    b"PubmedArticle": "PubmedArticle",
    b"PubmedBookArticle": "PubmedBookArticle",
    b"DeleteCitation": "DeleteCitation",
}
RECORD_END = {
    name: re.compile(b"</" + name + rb"\s*>")
    for name in (b"PubmedArticle", b"PubmedBookArticle", b"DeleteCitation")
}
SET_END = re.compile(rb"</(?:PubmedArticleSet|PubmedBookArticleSet)\s*>")
PMID_BYTES = re.compile(rb"<PMID[^>]*>\s*([0-9]+)\s*</PMID>")
# An E-utilities error body is a few hundred bytes; anything this big is not one.
ERROR_BODY_LIMIT = 1024 * 1024

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
MESH_HEADINGS = etree.XPath("MeshHeadingList/MeshHeading/DescriptorName")

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


@dataclass(frozen=True)
class ParsedRecord:
    """A record read. ``data`` holds the Reference JSON fields."""

    data: dict

    @property
    def pmid(self):
        return self.data["pmid"]


@dataclass(frozen=True)
class FailedRecord:
    """A record that could not be read, and why. ``pmid`` is None when unknown."""

    pmid: str | None
    reason: str


@dataclass(frozen=True)
class DeletedRecord:
    """A PMID listed in a ``<DeleteCitation>`` block: PubMed withdrew it."""

    pmid: str
    version: int = 1


class PubmedXMLError(ValueError):
    """The document is not a PubMed article set, so none of it can be read."""


class EutilsError(PubmedXMLError):
    """E-utilities answered with an error body instead of records."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("E-utilities error: " + "; ".join(self.messages))


class RecordError(ValueError):
    """One record breaks a rule of the format (no PMID, no Article, ...)."""


def iter_records(source):
    """Yield a ParsedRecord, FailedRecord or DeletedRecord for each record of ``source``.

    ``source`` is a path (``.xml`` or gzipped, told apart by its first bytes)
    or a binary file object.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            yield from _records(stream)
    else:
        yield from _records(source)


class _Blocks:
    """The (decompressed) bytes of a stream, a block at a time.

    A read error ends the stream and is kept, so that the records read before
    it still count and the error is reported after them.
    """

    def __init__(self, stream):
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream, BLOCK_SIZE)
        if stream.peek(2)[:2] == GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=stream, mode="rb")
        self.stream = stream
        self.error = None

    def read(self):
        if self.error:
            return b""
        try:
            # read1, not read: read() drops what it has decompressed when a cut gzip ends.
            return self.stream.read1(BLOCK_SIZE)
        except (OSError, EOFError, zlib.error) as e:
            self.error = f"the file cannot be read to its end: {e}"
            return b""


def _records(stream):
    for batch in _batches(_pieces(stream)):
        if isinstance(batch, ParsedRecord):
            yield batch
        else:
            yield from _read_batch(batch, _parse_batch(batch))


def _batches(pieces):
    """The pieces in lists holding about BATCH_SIZE bytes of records each.

    A record the compiled reader has read already comes out alone, after the batch before it.
    """
    batch, size = [], 0
    for piece in pieces:
        if isinstance(piece, ParsedRecord):
            if batch:
                yield batch
                batch, size = [], 0
            yield piece
            continue
        batch.append(piece)
        if not isinstance(piece, FailedRecord):
            size += len(piece[1])
            if size >= BATCH_SIZE:
                yield batch
                batch, size = [], 0
    if batch:
        yield batch


def _pieces(stream):
    """Yield (tag name, bytes) for each whole record, and a FailedRecord for each problem.

    The compiled reader, when built, reads first: the records it takes come out as
    ParsedRecords, and it stops before the first piece it leaves to the code below.
    """
    blocks = _Blocks(stream)
    buf, pos, closed = _open_set(blocks)
    cut_short = False
    while True:
        if FAST is not None:
            found, pos, incomplete = FAST.scan(buf, pos)
            yield from found
            if incomplete and (more := blocks.read()):
                buf, pos = buf[pos:] + more, 0
                continue
        match = RECORD_START.search(buf, pos)
        if match is None:
            more = blocks.read()
            if more:
                buf, pos = buf[pos:] + more, 0
                continue
            break
        gap, closed = _gap(buf[pos : match.start()], closed)
        if gap:
            yield gap
        tag, start, body = match.group(1), match.start(), match.end()
        while True:
            following = RECORD_START.search(buf, body)
            limit = following.start() if following else len(buf)
            end = RECORD_END[tag].search(buf, body, limit)
            if end or following:
                break
            more = blocks.read()
            if not more:
                break
            # Keep only the record being read, so the buffer holds one record and a block.
            buf, body, start = buf[start:] + more, body - start, 0
        if end:
            pos = end.end()
            yield RECORD_NAMES[tag], buf[start:pos]
        else:
            pos = limit
            cut_short = following is None
            yield _cut_short(RECORD_NAMES[tag], buf[start:pos], cut_short)
    gap, closed = _gap(buf[pos:], closed)
    if gap:
        yield gap
    if blocks.error:
        yield FailedRecord(None, blocks.error)
    elif not closed and not cut_short:
        yield FailedRecord(None, "the file ends before </PubmedArticleSet>: it was cut short")


def _open_set(blocks):
    """Read up to the root's start tag; return (buffer, offset after it, whether it is closed).

    Raise PubmedXMLError when the root is not an article set.
    """
    parser = ET.XMLPullParser(events=("start",))
    data = b""
    root = None
    while root is None:
        block = blocks.read()
        if not block:
            if blocks.error:
                raise PubmedXMLError(blocks.error)
            raise PubmedXMLError("empty document: no XML element in it")
        data += block
        # Feed a little at a time: only the root's start tag is wanted here.
        for offset in range(0, len(block), 4096):
            try:
                parser.feed(block[offset : offset + 4096])
                root = next(parser.read_events(), (None, None))[1]
            except ET.ParseError as e:
                raise PubmedXMLError(f"not XML: {e}") from None
            except LookupError as e:  # <?xml encoding="..."?> that Python does not know
                raise PubmedXMLError(f"not XML: {e}") from None
            if root is not None:
                break
    if root.tag not in SET_TAGS:
        raise _not_a_set(root.tag, data, blocks)
    start = re.compile(b"<" + root.tag.encode() + rb"[\s/>]").search(data)
    end = data.index(b">", start.end() - 1)
    return data, end + 1, data[end - 1 : end] == b"/"


def _not_a_set(tag, data, blocks):
    while len(data) < ERROR_BODY_LIMIT and (block := blocks.read()):
        data += block
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        root = None
    messages = []
    if root is not None:
        messages += [_plain(error) or "(empty ERROR)" for error in root.iter("ERROR")]
        for item in (*root.findall("ErrorList/*"), *root.findall("WarningList/*")):
            messages.append(f"{item.tag}: {_plain(item)}")
    if messages:
        return EutilsError(messages)
    return PubmedXMLError(f"expected <PubmedArticleSet>, found <{tag}>")


def _gap(raw, closed):
    """Check what lies between two records: (a FailedRecord or None, whether the set is closed)."""
    content = raw.strip()
    if not content:
        return None, closed
    if SET_END.fullmatch(content):
        return None, True
    text = content.decode("utf-8", "replace")
    text = text if len(text) <= 200 else text[:200] + "..."
    return FailedRecord(None, f"unexpected content between records: {text}"), closed


def _cut_short(name, raw, at_end):
    where = "the end of the file" if at_end else "the next record"
    pmid = None if name == "DeleteCitation" else _pmid_in(raw)
    return FailedRecord(pmid, f"{name} is cut short: no </{name}> before {where}")


def _pmid_in(raw):
    # Only for naming a record that cannot be parsed; its own PMID is the first one in it.
    match = PMID_BYTES.search(raw)
    return match.group(1).decode() if match else None


def _parse_batch(batch):
    """The records of a batch parsed together, as the children of one element; None if that fails.

    One parser call costs much less than one per record. It succeeds exactly
    when every record parses on its own: each one starts with a record's start
    tag and ends at the first matching end tag, with no other record's start
    tag inside, so a record that is not well-formed breaks the whole.
    """
    records = [piece[1] for piece in batch if not isinstance(piece, FailedRecord)]
    try:
        root = etree.fromstring(b"".join([b"<batch>", *records, b"</batch>"]), _parser())
    except etree.XMLSyntaxError:
        return None
    return root if len(root) == len(records) else None


def _read_batch(batch, root):
    """Yield the results of a batch in order; when it did not parse, each record is parsed alone."""
    elements = iter(root) if root is not None else None
    for piece in batch:
        if isinstance(piece, FailedRecord):
            yield piece
        elif elements is not None:
            yield from _read_element(piece[0], next(elements))
        else:
            yield from _read_record(*piece)


def _parser():
    # A new one for each document costs microseconds and shares no state, between threads either.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
        remove_pis=True, collect_ids=False,
    )  # fmt: skip


def _read_record(name, raw):
    try:
        element = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as e:
        pmid = None if name == "DeleteCitation" else _pmid_in(raw)
        yield FailedRecord(pmid, f"malformed {name}: {_syntax_error(raw, e)}")
        return
    yield from _read_element(name, element)


def _syntax_error(raw, error):
    """Why raw is not well-formed, in the standard library parser's words if it agrees.

    Reasons have always been worded by that parser, and callers may match them.
    """
    try:
        ET.fromstring(raw)
    except ET.ParseError as e:
        return str(e)
    return str(error)


def _read_element(name, element):
    if name == "DeleteCitation":
        for pmid in element.findall("PMID"):
            try:
                yield DeletedRecord(*_pmid(pmid))
            except RecordError as e:
                yield FailedRecord(None, f"DeleteCitation: {e}")
        return
    try:
        data = _article(element) if name == "PubmedArticle" else _book_article(element)
    except Exception as e:  # One record's surprise must not stop the rest of the file.
        pmid = element.findtext("MedlineCitation/PMID") or element.findtext("BookDocument/PMID")
        pmid = pmid.strip() if pmid and pmid.strip().isdigit() else None
        reason = str(e) if isinstance(e, RecordError) else f"{type(e).__name__}: {e}"
        yield FailedRecord(pmid, reason)
    else:
        yield ParsedRecord(data)


# Each element's children are looked at once, through _children, rather than
# with a find() per field: lxml's find() parses its path again at each call.


def _article(record):
    parts = _children(record)
    citation = _required(record, parts, "MedlineCitation")
    fields = _children(citation)
    pmid, version = _pmid(_first(fields, "PMID"))
    article = _required(citation, fields, "Article")
    items = _children(article)
    journal = _children(*items.get("Journal", ()))
    issue = _children(_first(journal, "JournalIssue"))
    ids = _article_ids(_first(_children(*parts.get("PubmedData", ())), "ArticleIdList"))
    title, title_html = _rich(_first(items, "ArticleTitle"))
    vernacular_title, vernacular_html = _rich(_first(items, "VernacularTitle"))
    if not title:  # <ArticleTitle/> happens, with only a VernacularTitle (34097092).
        title, title_html = vernacular_title, vernacular_html
    year, published, medline_date, season = _pub_date(_first(issue, "PubDate"))
    abstract, abstract_html, sections = _abstract(_first(items, "Abstract"))
    links = _links(fields.get("CommentsCorrectionsList", ()))
    publication_types = _texts(
        _children(*items.get("PublicationTypeList", ())).get("PublicationType", ())
    )
    languages = _texts(items.get("Language", ()))
    return _reference(
        kind="article",
        pmid=pmid,
        pmid_version=version,
        doi=_doi(items.get("ELocationID", ()), ids),
        pmcid=_pmcid(ids.get("pmc")),
        title=title,
        title_html=title_html,
        vernacular_title=vernacular_title,
        authors=_authors(items.get("AuthorList", ())),
        journal=_plain(_first(journal, "Title")),
        journal_abbrev=_plain(_first(journal, "ISOAbbreviation"))
        or _plain(_first(_children(*fields.get("MedlineJournalInfo", ())), "MedlineTA")),
        volume=_plain(_first(issue, "Volume")),
        issue=_plain(_first(issue, "Issue")),
        pages=_pages(_first(items, "Pagination")),
        year=year,
        published=published,
        medline_date=medline_date,
        season=season,
        epub_date=_epub_date(items.get("ArticleDate", ())),
        abstract=abstract,
        abstract_html=abstract_html,
        abstract_sections=sections,
        publication_types=publication_types,
        mesh_terms=_texts(MESH_HEADINGS(citation)),
        language=languages[0] if languages else None,
        languages=languages,
        # Either sign can lag the other, so either one is enough.
        retracted=RETRACTED_TYPE in publication_types
        or any(link["type"] == "RetractionIn" for link in links),
        retraction_pmids=_linked(links, "RetractionIn"),
        erratum_pmids=_linked(links, "ErratumIn"),
        concern_pmids=_linked(links, "ExpressionOfConcernIn"),
        comments_corrections=links,
        medline_status=citation.get("Status"),
        date_revised=_full_date(_first(fields, "DateRevised")),
    )


def _book_article(record):
    parts = _children(record)
    document = _required(record, parts, "BookDocument")
    fields = _children(document)
    pmid, version = _pmid(_first(fields, "PMID"))
    book = _required(document, fields, "Book")
    items = _children(book)
    # Only these two lists name the work itself; the ReferenceList inside BookDocument names others.
    ids = {
        **_article_ids(_first(_children(*parts.get("PubmedBookData", ())), "ArticleIdList")),
        **_article_ids(_first(fields, "ArticleIdList")),
    }
    book_title, book_title_html = _rich(_first(items, "BookTitle"))
    title, title_html = _rich(_first(fields, "ArticleTitle"))
    vernacular_title, vernacular_html = _rich(_first(fields, "VernacularTitle"))
    if not title:
        title, title_html = (
            (vernacular_title, vernacular_html)
            if vernacular_title
            else (book_title, book_title_html)
        )
    lists = fields.get("AuthorList", ())
    book_lists = items.get("AuthorList", ())
    # A chapter's own authors, else (for a whole book) the book's.
    authors = _authors(a for a in lists if a.get("Type") != "editors") or _authors(
        a for a in book_lists if a.get("Type") != "editors"
    )
    year, published, medline_date, season = _pub_date(_first(items, "PubDate"))
    abstract, abstract_html, sections = _abstract(_first(fields, "Abstract"))
    publication_types = _texts(fields.get("PublicationType", ()))
    languages = _texts(fields.get("Language", ()))
    publisher = _children(*items.get("Publisher", ()))
    return _reference(
        kind="book",
        pmid=pmid,
        pmid_version=version,
        doi=_doi(items.get("ELocationID", ()), ids),
        pmcid=_pmcid(ids.get("pmc")),
        title=title,
        title_html=title_html,
        vernacular_title=vernacular_title,
        authors=authors,
        editors=_authors(a for a in (*lists, *book_lists) if a.get("Type") == "editors"),
        book_title=book_title,
        book_accession=ids.get("bookaccession"),
        publisher=_plain(_first(publisher, "PublisherName")),
        publisher_location=_plain(_first(publisher, "PublisherLocation")),
        volume=_plain(_first(items, "Volume")),
        pages=_pages(_first(fields, "Pagination")),
        year=year,
        published=published,
        medline_date=medline_date,
        season=season,
        abstract=abstract,
        abstract_html=abstract_html,
        abstract_sections=sections,
        publication_types=publication_types,
        language=languages[0] if languages else None,
        languages=languages,
        retracted=RETRACTED_TYPE in publication_types,
        date_revised=_full_date(_first(fields, "DateRevised")),
    )


def _reference(**values):
    """The Reference fields in a fixed order: absent ones None, or [] for lists."""
    data = dict.fromkeys(FIELDS)
    for field in LIST_FIELDS:
        data[field] = []
    data["retracted"] = False
    data.update(values)
    if len(data) != len(FIELDS):
        raise TypeError(f"not Reference fields: {sorted(set(values) - set(FIELDS))}")
    return data


def _children(*elements):
    """{tag: [children with that tag, in document order]} of the elements; None counts as none.

    ``_first(_children(element), tag)`` is what ``element.find(tag)`` gives, and
    ``_children(*parents).get(tag, [])`` what ``grandparent.findall("Parent/tag")`` does.
    """
    children = {}
    for element in elements:
        if element is not None:
            for child in element:
                tag = child.tag
                if tag in children:
                    children[tag].append(child)
                else:
                    children[tag] = [child]
    return children


def _first(children, tag):
    found = children.get(tag)
    return found[0] if found else None


def _required(parent, children, tag):
    element = _first(children, tag)
    if element is None:
        raise RecordError(f"<{parent.tag}> has no <{tag}>")
    return element


def _pmid(element):
    """(PMID as a string, its version as an int) of a <PMID Version="..."> element."""
    text = _plain(element)
    if not text:
        raise RecordError("no PMID")
    if not _digits(text) or int(text) == 0:
        raise RecordError(f"{text!r} is not a PMID")
    version = element.get("Version", "")
    return str(int(text)), int(version) if _digits(version) else 1


def _digits(text):
    """Whether text is ASCII digits only, like ``[0-9]+``."""
    return text.isascii() and text.isdigit()


def _article_ids(id_list):
    """{IdType: value} of one ArticleIdList, the first value of each type."""
    ids = {}
    for element in id_list if id_list is not None else ():
        if element.tag == "ArticleId":
            kind, value = element.get("IdType"), _plain(element)
            if kind and value:
                ids.setdefault(kind, value)
    return ids


def _doi(elocations, ids):
    """The publisher's ELocationID DOI, else the one PubMed lists for the work, normalised."""
    candidates = [
        _plain(element)
        for element in elocations
        if element.get("EIdType") == "doi" and element.get("ValidYN", "Y") != "N"
    ]
    candidates.append(ids.get("doi"))
    for candidate in candidates:
        if candidate and (doi := _doi_or_none(candidate)):
            return doi
    return None


def _doi_or_none(candidate):
    try:
        return normalize_doi(candidate)
    except ValueError:
        return None


def _pmcid(value):
    if not value:
        return None
    try:
        # Versioned PMCIDs exist (PMC8095192.2); the work is the same.
        return normalize_pmcid(PMCID_VERSION.sub("", value))
    except ValueError:
        return None


def _authors(author_lists):
    people = []
    for author_list in author_lists:
        for author in author_list:
            # NLM keeps a misspelt name, marked invalid, beside its correction.
            if author.tag != "Author" or author.get("ValidYN") == "N":
                continue
            names = _children(author)
            collective = _plain(_first(names, "CollectiveName"))
            family = _plain(_first(names, "LastName"))
            if collective:
                people.append({"collective": collective})
            elif family:
                people.append(
                    {
                        "family": family,
                        "given": _plain(_first(names, "ForeName")),
                        "initials": _plain(_first(names, "Initials")),
                    }
                )
    return people


def _pages(pagination):
    if pagination is None:
        return None
    parts = _children(pagination)
    pages = _plain(_first(parts, "MedlinePgn"))
    if pages:
        return pages
    start, end = _plain(_first(parts, "StartPage")), _plain(_first(parts, "EndPage"))
    return f"{start}-{end}" if start and end and end != start else start


def _pub_date(pub_date):
    """(year, published, medline_date, season) of a <PubDate>.

    ``published`` is an ISO date at the precision given. A MedlineDate keeps
    its text; its year is the first one in it, and it gives a month only when
    it names exactly one year and one month ("1977 Apr 17-21"), since a range
    ("2021 Jan-Mar") has no single month.
    """
    if pub_date is None:
        return None, None, None, None
    parts = _children(pub_date)
    return _pub_date_of(
        *(_plain(_first(parts, tag)) for tag in ("MedlineDate", "Year", "Month", "Day", "Season"))
    )


def _pub_date_of(medline_date, year, month, day, season):
    """_pub_date from the plain texts of the PubDate's parts (None when absent)."""
    if medline_date:
        years = YEAR_IN_TEXT.findall(medline_date)
        if not years:
            return None, None, medline_date, None
        year = int(years[0])
        months = MONTH_WORD.findall(medline_date)
        month = MONTHS[months[0].lower()] if len(years) == 1 and len(months) == 1 else None
        return year, _iso(year, month, None), medline_date, None
    if not year or len(year) != 4 or not _digits(year):
        return None, None, None, None
    return int(year), _iso(int(year), _month(month), day), None, season


def _iso(year, month, day):
    if not month:
        return f"{year:04d}"
    try:
        return date(year, month, int(day)).isoformat()
    except (TypeError, ValueError, OverflowError):  # int("9999999999") days overflow
        return f"{year:04d}-{month:02d}"


def _month(text):
    """'Jun', 'June', '06' or '6' -> 6; anything else -> None."""
    if not text:
        return None
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text[:3].lower())


def _full_date(element):
    """ISO date of an element with Year, Month and Day children, or None."""
    if element is None:
        return None
    parts = _children(element)
    return _full_date_of(
        _raw_text(_first(parts, "Year")),
        _plain(_first(parts, "Month")),
        _raw_text(_first(parts, "Day")),
    )


def _full_date_of(year, month, day):
    """_full_date from the Year's and Day's own text and the Month's plain text."""
    try:
        return date(int(year), _month(month), int(day)).isoformat()
    except (TypeError, ValueError, OverflowError):  # int("9999999999") days overflow
        return None


def _raw_text(element):
    """What ``parent.findtext(tag, "")`` gives, for the element found."""
    return "" if element is None else element.text or ""


def _epub_date(article_dates):
    for element in article_dates:
        if element.get("DateType", "Electronic") == "Electronic":
            return _full_date(element)
    return None


def _abstract(abstract):
    """(plain text, safe HTML, sections) of an <Abstract>.

    CopyrightInformation is left out, and so is OtherAbstract (a translation),
    which is not inside <Abstract>.
    """
    sections, paragraphs = [], []
    for part in abstract if abstract is not None else ():
        if part.tag != "AbstractText":
            continue
        text, markup = _rich(part)
        if not text:
            continue
        label = (part.get("Label") or "").strip() or None
        sections.append({"label": label, "category": part.get("NlmCategory") or None, "text": text})
        if label:
            markup = f"<b>{escape(label, quote=False)}:</b> {markup}"
        paragraphs.append(f"<p>{markup}</p>")
    text = "\n\n".join(
        f"{section['label']}: {section['text']}" if section["label"] else section["text"]
        for section in sections
    )
    return text or None, "".join(paragraphs) or None, sections


def _links(correction_lists):
    """CommentsCorrections as [{"type", "pmid", "source"}], both directions.

    RefType="Cites" is left out: old DTDs listed a paper's whole reference
    list under it, and those are other works.
    """
    links = []
    for element in _children(*correction_lists).get("CommentsCorrections", ()):
        if element.get("RefType") == "Cites":
            continue
        parts = _children(element)
        pmid = _plain(_first(parts, "PMID"))
        links.append(
            {
                "type": element.get("RefType"),
                "pmid": pmid if pmid and pmid.isdigit() else None,
                "source": _plain(_first(parts, "RefSource")),
            }
        )
    return links


def _linked(links, ref_type):
    return list(
        dict.fromkeys(link["pmid"] for link in links if link["type"] == ref_type and link["pmid"])
    )


def _texts(elements):
    return [text for text in map(_plain, elements) if text]


def _plain(element):
    """The text of an element, tags dropped and whitespace collapsed; None when empty."""
    if element is None:
        return None
    # Most elements hold text only, and .text is much cheaper than itertext().
    text = "".join(element.itertext()) if len(element) else element.text
    if not text:
        return None
    return _collapse(text) or None


def _collapse(text):
    """Runs of white space (Unicode's, as str.split sees it) made one space; ends stripped."""
    # Most text has nothing to collapse; isprintable() is False for every space but " ".
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _rich(element):
    """(plain text, safe HTML) of a mixed-content element such as ArticleTitle."""
    if element is None:
        return None, None
    if len(element):
        text, markup = [], []
        _walk(element, text, markup)
        text, markup = "".join(text), "".join(markup)
    else:
        text = element.text or ""
        markup = escape(text, quote=False)
    return _collapse(text) or None, _collapse_xml_space(markup) or None


def _collapse_xml_space(markup):
    # Only XML's own white space: a no-break space in the text is meant.
    if "  " in markup or "\n" in markup or "\t" in markup or "\r" in markup:
        markup = XML_SPACE.sub(" ", markup)
    return markup.strip()


def _walk(element, text, markup):
    if element.text:
        text.append(element.text)
        markup.append(escape(element.text, quote=False))
    for child in element:
        name = _local_name(child.tag)
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
    name = _local_name(element.tag)
    if name in MATHML_DROPPED:
        return ""
    if name in MATHML_TOKENS:
        return "".join(element.itertext())
    children = list(element)
    if name == "mmultiscripts":
        # base, post-scripts, <mprescripts/>, pre-scripts: read the pre-scripts first ("3He").
        names = [_local_name(child.tag) for child in children]
        if "mprescripts" in names:
            split = names.index("mprescripts")
            children = children[split + 1 :] + children[:split]
    return "".join(map(_math_text, children))


def _math_html(element):
    """MathML elements from a whitelist, without attributes; text escaped."""
    name = _local_name(element.tag)
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


def _local_name(tag):
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _check_compiled_reader(built):
    """Raise ValueError unless the compiled reader was written for this module's names."""
    ours = {
        "FIELDS": FIELDS, "LIST_FIELDS": LIST_FIELDS, "INLINE_TAGS": INLINE_TAGS,
        "MATHML_TAGS": MATHML_TAGS, "MATHML_TOKENS": MATHML_TOKENS,
        "MATHML_DROPPED": MATHML_DROPPED, "RETRACTED_TYPE": RETRACTED_TYPE,
    }  # fmt: skip
    differ = sorted(name for name, value in ours.items() if built.get(name) != value)
    if differ:
        raise ValueError(
            f"{', '.join(differ)} differ from the compiled reader's: make _pubmed_fast.c match"
        )


if FAST is not None:
    _check_compiled_reader(FAST.constants())
    FAST.setup(ParsedRecord, _pub_date_of, _full_date_of, _doi_or_none, _pmcid)
