"""Read a well-formed ``<PubmedArticle>`` straight from its text, without building a tree.

libxml2 builds a record's tree in about as much time as Biopython's whole
budget divided by ten, and reading fields back out of that tree through lxml
costs twice as much again: every element touched becomes a Python object.
NCBI writes its records in one fixed shape (the PubMed DTD's order, double-
quoted attributes, no comments, CDATA or entities beyond XML's own), so the
fields can be read from the text, and only the values are copied out. No
library reads chosen fields of XML without a tree or a Python call per tag,
which is why this is hand-written.

Two ways, tried in turn:

- ``_usual``: the record in NCBI's usual shape, read by a few regular
  expressions that spell out that shape (a call each, whatever the number of
  fields), with ``str.find`` skipping the long lists in between;
- ``_article``: the record a tag at a time, each field looked for with
  ``str.find`` in the span that may hold it (for children out of the DTD's
  order, say).

The caller checks first that the record is well-formed (pubmed_parser runs
libxml2 over it, building no tree). Anything these do not read with
certainty (a comment or CDATA section, an attribute they cannot read, an end
tag written ``</Title >``, a record that breaks a rule of the format) makes
``read_article`` return None, and the caller reads that record from its tree,
which also words the error. Both end in the same functions of
``pubmed_values``; titles and abstract sections with markup other than
``<i> <b> <u> <sup> <sub>`` are parsed with lxml on their own and read by the
tree code. The tests hold the text and tree readers to the same output on
every fixture record, every case of the parser's tests and shapes NCBI does
not write.
"""

import re
import threading
from functools import lru_cache
from html import escape

from lxml import etree

from references.pubmed_values import (
    abstract_of,
    article_reference,
    collapse,
    collapse_xml_space,
    doi_of,
    full_date,
    pages_of,
    plain_text,
    pmcid_of,
    pmid_and_version,
    pub_date,
    rich,
    rich_text,
)

ENTITY = re.compile(r"&([^;&]*);")
PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
TAG = re.compile(r"<[^>]*>")
INLINE = re.compile(r"(</?(?:i|b|u|sup|sub)>)")
ATTRIBUTE = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
ATTRIBUTES = re.compile(r"""(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*""")
ATTRIBUTE_SPACE = str.maketrans("\t\n\r", "   ")
# One author in NCBI's usual shape; any other shape is read a tag at a time.
AUTHOR = re.compile(
    r"<Author(\s[^>]*)?>\s*(?:"
    r"<LastName>([^<]*)</LastName>\s*"
    r"(?:<ForeName>([^<]*)</ForeName>\s*)?"
    r"(?:<Initials>([^<]*)</Initials>)?"
    r"|<CollectiveName>([^<]*)</CollectiveName>)"
)
TEXT_ONLY = {
    name: re.compile(rf"<{name}(?:\s[^>]*)?>([^<]*)</{name}>")
    for name in ("DescriptorName", "PublicationType", "Language")
}


_parsers = threading.local()


class Unsure(Exception):
    """The text is not in a shape this module reads: read the record's tree instead."""


def read_article(raw):
    """The Reference fields of a well-formed <PubmedArticle> (bytes), or None if unsure."""
    try:
        text = raw.decode("utf-8")
        if "<!" in text or "<?" in text:
            # A comment or CDATA section can hide what looks like a tag, and NCBI writes none.
            return None
        return _usual(text) or _article(text)
    except (Unsure, UnicodeDecodeError):
        return None


def _article(s):
    citation = _find(s, "MedlineCitation", 0, len(s))
    if citation is None:
        raise Unsure
    _, citation_attributes, start, end, _ = citation
    pmid = _find(s, "PMID", start, end)
    article = _find(s, "Article", start, end)
    if pmid is None or article is None or pmid[0] > article[0]:
        raise Unsure
    article_start, _, inside, inside_end, article_end = article
    try:
        pmid, version = pmid_and_version(_plain(s, pmid), _attributes(pmid[1]).get("Version"))
    except ValueError:
        raise Unsure from None
    journal = _find(s, "Journal", inside, inside_end)
    if journal is None or _find(s, "Journal", journal[4], inside_end) is not None:
        raise Unsure
    issue = _find(s, "JournalIssue", journal[2], journal[3])
    title, title_html = _rich(s, _find(s, "ArticleTitle", inside, inside_end))
    vernacular_title, vernacular_html = _rich(s, _find(s, "VernacularTitle", inside, inside_end))
    if not title:  # <ArticleTitle/> happens, with only a VernacularTitle (34097092).
        title, title_html = vernacular_title, vernacular_html
    year, published, medline_date, season = _pub_date(s, issue)
    abstract, abstract_html, sections = _abstract(s, _find(s, "Abstract", inside, inside_end))
    languages = _texts(s, "Language", inside, inside_end)
    journal_abbrev = _plain(s, _find(s, "ISOAbbreviation", journal[2], journal[3]))
    if not journal_abbrev:
        info = _find(s, "MedlineJournalInfo", article_end, end)
        journal_abbrev = info and _plain(s, _find(s, "MedlineTA", info[2], info[3]))
    ids = _article_ids(s, end)
    return article_reference(
        pmid=pmid,
        pmid_version=version,
        doi=_doi(s, inside, inside_end, ids),
        pmcid=pmcid_of(ids.get("pmc")),
        title=title,
        title_html=title_html,
        vernacular_title=vernacular_title,
        authors=_authors(s, inside, inside_end),
        journal=_plain(s, _find(s, "Title", journal[2], journal[3])),
        journal_abbrev=journal_abbrev,
        volume=issue and _plain(s, _find(s, "Volume", issue[2], issue[3])),
        issue=issue and _plain(s, _find(s, "Issue", issue[2], issue[3])),
        pages=_pages(s, _find(s, "Pagination", inside, inside_end)),
        year=year,
        published=published,
        medline_date=medline_date,
        season=season,
        epub_date=_epub_date(s, inside, inside_end),
        abstract=abstract,
        abstract_html=abstract_html,
        abstract_sections=sections,
        publication_types=_texts(s, "PublicationType", inside, inside_end),
        mesh_terms=_mesh_terms(s, article_end, end),
        language=languages[0] if languages else None,
        languages=languages,
        links=_links(s, article_end, end),
        medline_status=_attributes(citation_attributes).get("Status"),
        date_revised=_full_date(s, _find(s, "DateRevised", start, article_start)),
    )


def _find(s, tag, start, end):
    """The first <tag> element in s[start:end], or None.

    As (where its start tag begins, its attribute text, where its content
    begins and ends, where its end tag ends). Names that only begin with
    ``tag`` (<ArticleTitle> for Article) are passed over.
    """
    opening = "<" + tag
    after_name = len(opening)
    at = s.find(opening, start, end)
    while at >= 0:
        follower = s[at + after_name : at + after_name + 1]
        if follower == ">":
            content = at + after_name + 1
            attributes = ""
        elif follower in (" ", "\n", "\t", "\r", "/"):
            close = s.find(">", at, end)
            if close < 0:
                raise Unsure
            attributes = s[at + after_name : close]
            if s[close - 1] == "/":
                attributes = attributes[:-1]
                _check_attributes(attributes)
                return at, attributes, close + 1, close + 1, close + 1
            _check_attributes(attributes)
            content = close + 1
        else:
            at = s.find(opening, at + after_name, end)
            continue
        closing = "</" + tag + ">"
        content_end = s.find(closing, content, end)
        if content_end < 0:
            raise Unsure
        return at, attributes, content, content_end, content_end + len(closing)
    return None


def _find_all(s, tag, start, end):
    while (found := _find(s, tag, start, end)) is not None:
        yield found
        start = found[4]


def _check_attributes(text):
    # A '>' inside an attribute value would have ended the start tag too early.
    if ("'" in text or text.count('"') % 2) and not ATTRIBUTES.fullmatch(text):
        raise Unsure


@lru_cache(maxsize=4096)
def _attributes(text):
    """{name: value} of a start tag's attribute text, normalised as an XML parser does."""
    values = {}
    for name, double, single in ATTRIBUTE.findall(text):
        values.setdefault(name, _unescape((double or single).translate(ATTRIBUTE_SPACE)))
    return values


def _unescape(text):
    if "&" not in text:
        return text
    return ENTITY.sub(_entity, text)


def _entity(match):
    name = match.group(1)
    if name in PREDEFINED:
        return PREDEFINED[name]
    if name[:2] == "#x":
        return chr(int(name[2:], 16))
    if name[:1] == "#":
        return chr(int(name[1:]))
    raise Unsure  # An entity of a DTD: the tree reader knows what to do with it.


def _plain(s, found):
    """What the tree reader's _plain gives for the element found (tags dropped, collapsed)."""
    if not found:
        return None
    raw = s[found[2] : found[3]]
    if "<" in raw:
        if "<!" in raw or "<?" in raw:
            raise Unsure
        raw = TAG.sub("", raw)
    return plain_text(_unescape(raw))


def _raw_text(s, found):
    """The text before any child element, as lxml's .text gives it ("" when absent)."""
    if not found:
        return ""
    raw = s[found[2] : found[3]]
    if "<" in raw:
        raise Unsure
    return _unescape(raw)


def _rich(s, found):
    """(plain text, safe HTML) of a mixed-content element such as ArticleTitle."""
    if not found:
        return None, None
    return _markup(s[found[2] : found[3]], lambda: s[found[0] : found[4]])


def _rich_content(tag, attributes, content):
    """_rich of an element given as its attribute text and content (None: no element)."""
    if content is None:
        return None, None
    return _markup(content, lambda: f"<{tag}{attributes}>{content}</{tag}>")


def _markup(raw, element):
    """(plain text, safe HTML) of an element's raw content; ``element()`` gives its whole text.

    Text with only attribute-free <i> <b> <u> <sup> <sub> tags (most markup)
    is read here; any other markup is parsed by lxml and read by the tree code.
    """
    if "<" not in raw:
        return rich_text(_unescape(raw))
    pieces = INLINE.split(raw)
    texts = pieces[::2]
    if any("<" in text for text in texts):
        return rich(_fragment(element()))
    texts = [_unescape(text) for text in texts]
    pieces[::2] = [escape(text, quote=False) for text in texts]
    return collapse("".join(texts)) or None, collapse_xml_space("".join(pieces)) or None


def _fragment(text):
    parser = getattr(_parsers, "parser", None)
    if parser is None:  # A parser per thread: an lxml parser is not to be shared between threads.
        parser = _parsers.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
            remove_pis=True, collect_ids=False,
        )  # fmt: skip
    try:
        return etree.fromstring(text, parser)
    except etree.XMLSyntaxError:  # A namespace prefix declared further up, say.
        raise Unsure from None


def _texts(s, tag, start, end):
    """The plain texts of every <tag> in the span, empty ones left out."""
    texts = TEXT_ONLY[tag].findall(s, start, end)
    if len(texts) == _count(s, tag, start, end):
        texts = map(_leaf, texts)
    else:
        texts = [_plain(s, found) for found in _find_all(s, tag, start, end)]
    return [text for text in texts if text]


def _count(s, tag, start, end):
    return sum(s.count(f"<{tag}{follower}", start, end) for follower in "> \n\t\r/")


def _article_ids(s, citation_end):
    """{IdType: value} of the record's own ArticleIdList (in PubmedData, before its ReferenceList)."""
    data = _find(s, "PubmedData", citation_end, len(s))
    if data is None:
        return {}
    references = s.find("<ReferenceList", data[2], data[3])
    id_list = _find(s, "ArticleIdList", data[2], data[3] if references < 0 else references)
    if id_list is None:
        if references >= 0 and s.find("<ArticleIdList", references, data[3]) >= 0:
            raise Unsure  # Only after the ReferenceList, where ids are other works'.
        return {}
    found = ARTICLE_ID.findall(s, id_list[2], id_list[3])
    if len(found) != s.count("<ArticleId", id_list[2], id_list[3]):
        raise Unsure
    ids = {}
    for attributes, value in found:
        kind, value = _attributes(attributes).get("IdType"), _leaf(value)
        if kind and value:
            ids.setdefault(kind, value)
    return ids


def _doi(s, start, end, ids):
    """The publisher's ELocationID DOI, else the one PubMed lists for the work, normalised."""
    candidates = []
    for found in _find_all(s, "ELocationID", start, end):
        attributes = _attributes(found[1])
        if attributes.get("EIdType") == "doi" and attributes.get("ValidYN", "Y") != "N":
            candidates.append(_plain(s, found))
    candidates.append(ids.get("doi"))
    return doi_of(candidates)


def _authors(s, start, end):
    people = []
    for author_list in _find_all(s, "AuthorList", start, end):
        people += _author_list(s, author_list[2], author_list[3])
    return people


def _author_list(s, start, end):
    """The people of the content of one AuthorList, s[start:end]."""
    matches = AUTHOR.findall(s, start, end)
    if len(matches) == s.count("<Author", start, end):  # No other name starts so in an AuthorList.
        matches = [(attributes, *map(_leaf, names)) for attributes, *names in matches]
    else:
        matches = [_author_parts(s, found) for found in _find_all(s, "Author", start, end)]
    people = []
    for attributes, family, given, initials, collective in matches:
        # NLM keeps a misspelt name, marked invalid, beside its correction.
        if attributes and _attributes(attributes).get("ValidYN") == "N":
            continue
        if collective:
            people.append({"collective": collective})
        elif family:
            people.append({"family": family, "given": given, "initials": initials})
    return people


def _author_parts(s, author):
    """What AUTHOR captures, for an author in another shape."""
    start, end = author[2], author[3]
    return (
        author[1],
        *(_plain(s, _find(s, tag, start, end)) for tag in ("LastName", "ForeName", "Initials")),
        _plain(s, _find(s, "CollectiveName", start, end)),
    )


def _pages(s, pagination):
    if pagination is None:
        return None
    start, end = pagination[2], pagination[3]
    return pages_of(*(_plain(s, _find(s, tag, start, end)) for tag in ("MedlinePgn", "StartPage", "EndPage")))  # fmt: skip


def _pub_date(s, issue):
    found = issue and _find(s, "PubDate", issue[2], issue[3])
    if not found:
        return None, None, None, None
    start, end = found[2], found[3]
    return pub_date(
        *(
            _plain(s, _find(s, tag, start, end))
            for tag in ("MedlineDate", "Year", "Month", "Day", "Season")
        )
    )


def _full_date(s, found):
    if not found:
        return None
    start, end = found[2], found[3]
    return full_date(
        _raw_text(s, _find(s, "Year", start, end)),
        _plain(s, _find(s, "Month", start, end)),
        _raw_text(s, _find(s, "Day", start, end)),
    )


def _epub_date(s, start, end):
    for found in _find_all(s, "ArticleDate", start, end):
        if _attributes(found[1]).get("DateType", "Electronic") == "Electronic":
            return _full_date(s, found)
    return None


def _abstract(s, abstract):
    if abstract is None:
        return abstract_of(())
    parts = []
    for found in _find_all(s, "AbstractText", abstract[2], abstract[3]):
        attributes = _attributes(found[1])
        parts.append((*_rich(s, found), attributes.get("Label"), attributes.get("NlmCategory")))
    return abstract_of(parts)


def _mesh_terms(s, start, end):
    terms = []
    for headings in _find_all(s, "MeshHeadingList", start, end):
        terms += _texts_in(s[headings[2] : headings[3]], "DescriptorName")
    return terms


def _links(s, start, end):
    links = []
    for corrections in _find_all(s, "CommentsCorrectionsList", start, end):
        found = CORRECTION.findall(s, corrections[2], corrections[3])
        if len(found) != s.count("<CommentsCorrections", corrections[2], corrections[3]):
            raise Unsure
        for attributes, source, _, pmid in found:
            ref_type = _attributes(attributes).get("RefType")
            if ref_type == "Cites":
                continue
            pmid = _leaf(pmid)
            links.append(
                {
                    "type": ref_type,
                    "pmid": pmid if pmid and pmid.isdigit() else None,
                    "source": _leaf(source),
                }
            )
    return links


# The usual shape of a record, from its start to the end of its <Article>, in the DTD's order:
# one regular expression reads it in one call, where a tag at a time costs hundreds of calls.
# A record in any other shape (a child the DTD allows but this leaves out, markup where text
# is expected, an empty element) does not match and is read a tag at a time.
ATTRS = r"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*"""


def _up_to(tag):
    """Any content up to </tag> (markup included), without the per-character cost of .*?."""
    return rf"[^<]*(?:<(?!/{tag}>)[^<]*)*"


def _date(prefix):
    return (
        rf"<Year>(?P<{prefix}_year>[^<]*)</Year>\s*<Month>(?P<{prefix}_month>[^<]*)</Month>\s*"
        rf"<Day>(?P<{prefix}_day>[^<]*)</Day>\s*"
    )


# The record from its start to its Article's ELocationIDs.
HEAD = re.compile(
    rf"""<PubmedArticle{ATTRS}>\s*
    <MedlineCitation(?P<citation>{ATTRS})>\s*
    <PMID(?P<pmid_attributes>{ATTRS})>(?P<pmid>[^<]*)</PMID>\s*
    (?:<DateCompleted>\s*<Year>[^<]*</Year>\s*<Month>[^<]*</Month>\s*<Day>[^<]*</Day>\s*</DateCompleted>\s*)?
    (?:<DateRevised>\s*{_date("revised")}</DateRevised>\s*)?
    <Article{ATTRS}>\s*
      <Journal>\s*
        (?:<ISSN{ATTRS}>[^<]*</ISSN>\s*)?
        <JournalIssue{ATTRS}>\s*
          (?:<Volume>(?P<volume>[^<]*)</Volume>\s*)?
          (?:<Issue>(?P<issue>[^<]*)</Issue>\s*)?
          <PubDate>\s*(?:
            <Year>(?P<year>[^<]*)</Year>\s*
            (?:<Month>(?P<month>[^<]*)</Month>\s*(?:<Day>(?P<day>[^<]*)</Day>\s*)?
              |<Season>(?P<season>[^<]*)</Season>\s*)?
            |<MedlineDate>(?P<medline_date>[^<]*)</MedlineDate>\s*
          )</PubDate>\s*
        </JournalIssue>\s*
        (?:<Title>(?P<journal>[^<]*)</Title>\s*)?
        (?:<ISOAbbreviation>(?P<journal_abbrev>[^<]*)</ISOAbbreviation>\s*)?
      </Journal>\s*
      (?:<ArticleTitle(?P<title_attributes>{ATTRS})>(?P<title>{_up_to("ArticleTitle")})</ArticleTitle>
        |<ArticleTitle{ATTRS}/>)\s*
      (?:<Pagination>\s*
        (?:<StartPage>(?P<start_page>[^<]*)</StartPage>\s*)?
        (?:<EndPage>(?P<end_page>[^<]*)</EndPage>\s*)?
        (?:<MedlinePgn>(?P<medline_pages>[^<]*)</MedlinePgn>\s*)?
      </Pagination>\s*)?
      (?P<elocations>(?:<ELocationID{ATTRS}>[^<]*</ELocationID>\s*)*)""",
    re.VERBOSE,
)
# Between them, <Abstract> and <AuthorList>, skipped to their end tags with str.find.
ABSTRACT_START = re.compile(r"\s*<Abstract>")
AUTHOR_LIST_START = re.compile(rf"\s*<AuthorList{ATTRS}>")
LANGUAGES = re.compile(r"\s*(?P<languages>(?:<Language>[^<]*</Language>\s*)+)")
DATA_BANKS_START = re.compile(rf"\s*<DataBankList{ATTRS}>")
GRANTS_START = re.compile(rf"\s*<GrantList{ATTRS}>")
# From the PublicationTypeList to the end of the Article.
TAIL = re.compile(
    rf"""\s*<PublicationTypeList>(?P<publication_types>{_up_to("PublicationTypeList")})</PublicationTypeList>\s*
    (?:<VernacularTitle(?P<vernacular_attributes>{ATTRS})>(?P<vernacular>{_up_to("VernacularTitle")})</VernacularTitle>\s*)?
    (?P<article_dates>(?:<ArticleDate{ATTRS}>{_up_to("ArticleDate")}</ArticleDate>\s*)*)
    </Article>""",
    re.VERBOSE,
)
ELOCATION = re.compile(rf"<ELocationID{ATTRS}>([^<]*)</ELocationID>")
LANGUAGE = re.compile(r"<Language>([^<]*)</Language>")
ARTICLE_DATE = re.compile(rf"<ArticleDate{ATTRS}>\s*{_date('article')}</ArticleDate>")
ABSTRACT_TEXT = re.compile(
    rf"<AbstractText{ATTRS}>({_up_to('AbstractText')})</AbstractText>|<AbstractText{ATTRS}/>"
)
ARTICLE_ID = re.compile(rf"<ArticleId{ATTRS}>([^<]*)</ArticleId>")
CORRECTION = re.compile(
    rf"<CommentsCorrections{ATTRS}>\s*<RefSource>([^<]*)</RefSource>\s*"
    rf"(?:<PMID{ATTRS}>([^<]*)</PMID>\s*)?(?:<Note>[^<]*</Note>\s*)?</CommentsCorrections>"
)


def _usual(s):
    """The Reference fields of a record in the usual shape, or None when it is in another."""
    head = HEAD.match(s)
    if head is None:
        return None
    pos = head.end()
    abstract = authors = None
    if found := ABSTRACT_START.match(s, pos):
        pos = s.find("</Abstract>", found.end())
        abstract, pos = (found.end(), pos), pos + len("</Abstract>")
    if found := AUTHOR_LIST_START.match(s, pos):
        pos = s.find("</AuthorList>", found.end())
        authors, pos = (found.end(), pos), pos + len("</AuthorList>")
    languages = LANGUAGES.match(s, pos)
    if languages is None:
        return None
    pos = languages.end()
    for start, tag in ((DATA_BANKS_START, "</DataBankList>"), (GRANTS_START, "</GrantList>")):
        if found := start.match(s, pos):
            pos = s.find(tag, found.end()) + len(tag)
    tail = TAIL.match(s, pos)
    if tail is None:
        return None
    article_end = tail.end()
    citation_end = s.find("</MedlineCitation>", article_end)
    if citation_end < 0:
        return None
    value = head.group
    try:
        pmid, version = pmid_and_version(
            _leaf(value("pmid")), _attributes(value("pmid_attributes")).get("Version")
        )
    except ValueError:
        return None
    title, title_html = _rich_content("ArticleTitle", value("title_attributes"), value("title"))
    vernacular_title, vernacular_html = _rich_content(
        "VernacularTitle", tail.group("vernacular_attributes"), tail.group("vernacular")
    )
    if not title:  # <ArticleTitle/> happens, with only a VernacularTitle (34097092).
        title, title_html = vernacular_title, vernacular_html
    year, published, medline_date, season = pub_date(
        *map(_leaf, value("medline_date", "year", "month", "day", "season"))
    )
    abstract, abstract_html, sections = _abstract_parts(s, abstract)
    languages = [text for text in map(_leaf, LANGUAGE.findall(languages.group(1))) if text]
    journal_abbrev = _leaf(value("journal_abbrev"))
    if not journal_abbrev:
        info = _find(s, "MedlineJournalInfo", article_end, citation_end)
        journal_abbrev = info and _plain(s, _find(s, "MedlineTA", info[2], info[3]))
    ids = _article_ids(s, citation_end)
    doi_candidates = [
        _leaf(text)
        for attributes, text in ELOCATION.findall(value("elocations"))
        if _attributes(attributes).get("EIdType") == "doi"
        and _attributes(attributes).get("ValidYN", "Y") != "N"
    ]
    doi_candidates.append(ids.get("doi"))
    return article_reference(
        pmid=pmid,
        pmid_version=version,
        doi=doi_of(doi_candidates),
        pmcid=pmcid_of(ids.get("pmc")),
        title=title,
        title_html=title_html,
        vernacular_title=vernacular_title,
        authors=_author_list(s, *authors) if authors else [],
        journal=_leaf(value("journal")),
        journal_abbrev=journal_abbrev,
        volume=_leaf(value("volume")),
        issue=_leaf(value("issue")),
        pages=pages_of(*map(_leaf, value("medline_pages", "start_page", "end_page"))),
        year=year,
        published=published,
        medline_date=medline_date,
        season=season,
        epub_date=_article_date(tail.group("article_dates")),
        abstract=abstract,
        abstract_html=abstract_html,
        abstract_sections=sections,
        publication_types=_texts_in(tail.group("publication_types"), "PublicationType"),
        mesh_terms=_mesh_terms(s, article_end, citation_end),
        language=languages[0] if languages else None,
        languages=languages,
        links=_links(s, article_end, citation_end),
        medline_status=_attributes(value("citation")).get("Status"),
        date_revised=_revised(head),
    )


def _leaf(raw):
    """The plain text of an element's raw content, which holds no tags; None when empty.

    plain_text(_unescape(raw)), unrolled: it runs for nearly every value of a record.
    """
    if not raw:
        return None
    if "&" in raw:
        raw = ENTITY.sub(_entity, raw)
    if raw.isprintable() and "  " not in raw and raw[0] != " " and raw[-1] != " ":
        return raw
    return " ".join(raw.split()) or None


def _leaf(raw):
    """The plain text of an element's raw content, which holds no tags; None when empty.

    plain_text(_unescape(raw)), unrolled: it runs for nearly every value of a record.
    """
    if not raw:
        return None
    if "&" in raw:
        raw = ENTITY.sub(_entity, raw)
    if raw.isprintable() and "  " not in raw and raw[0] != " " and raw[-1] != " ":
        return raw
    return " ".join(raw.split()) or None


def _abstract_parts(s, span):
    """_abstract of an <Abstract> given as the span of its content (None: no Abstract)."""
    if span is None:
        return abstract_of(())
    start, end = span
    found = ABSTRACT_TEXT.findall(s, start, end)
    if len(found) != s.count("<AbstractText", start, end):
        raise Unsure
    parts = []
    for attributes, content, empty_attributes in found:
        attributes = attributes or empty_attributes
        values = _attributes(attributes)
        rich_parts = _rich_content("AbstractText", attributes, content)
        parts.append((*rich_parts, values.get("Label"), values.get("NlmCategory")))
    return abstract_of(parts)


def _article_date(text):
    """The first electronic ArticleDate of the ArticleDate elements' text, as an ISO date."""
    if not text:
        return None
    dates = ARTICLE_DATE.findall(text)
    if len(dates) != text.count("<ArticleDate"):
        raise Unsure
    for attributes, year, month, day in dates:
        if _attributes(attributes).get("DateType", "Electronic") == "Electronic":
            return full_date(_unescape(year), _leaf(month), _unescape(day))
    return None


def _texts_in(text, tag):
    """The plain texts of the <tag> children in text, empty ones left out."""
    texts = TEXT_ONLY[tag].findall(text)
    if len(texts) != text.count("<" + tag):
        raise Unsure
    return [value for value in map(_leaf, texts) if value]


def _revised(head):
    if head.group("revised_year") is None:
        return None
    year, month, day = head.group("revised_year", "revised_month", "revised_day")
    return full_date(_unescape(year), _leaf(month), _unescape(day))
