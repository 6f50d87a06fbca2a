"""The compiled PubMed reader gives exactly what the lxml reader gives, record for record.

references/_pubmed_fast.c reads the records it is sure of and stops before any other,
which the lxml reader then reads. So whatever the input, iter_records must yield the
same results, in the same order, with the same field order, with or without it. These
tests compare the two on generated records full of the format's odd corners, on real
records mutated at random, and on streams that deliver a few bytes at a time.
"""

import io
import random
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from references import pubmed_parser
from references.pubmed_parser import ParsedRecord, iter_records

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pubmed"
SET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
SET_TAIL = b"</PubmedArticleSet>\n"


@contextmanager
def compiled(on):
    saved = pubmed_parser.FAST
    assert saved is not None, "the compiled reader is not built: make install"
    pubmed_parser.FAST = saved if on else None
    try:
        yield
    finally:
        pubmed_parser.FAST = saved


class Trickle(io.RawIOBase):
    """A raw stream that hands out its bytes a few at a time, as a slow socket would."""

    def __init__(self, data, seed):
        self.data, self.pos, self.random = data, 0, random.Random(seed)

    def readable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), self.random.randint(1, 97), len(self.data) - self.pos)
        buffer[:size] = self.data[self.pos : self.pos + size]
        self.pos += size
        return size


def read(data, *, on, trickle=None):
    """repr() of what iter_records yields: types, values and the order of every field."""
    stream = Trickle(data, trickle) if trickle is not None else io.BytesIO(data)
    with compiled(on):
        try:
            return repr(list(iter_records(stream)))
        except pubmed_parser.PubmedXMLError as e:
            return repr(e)


def lxml_reads(monkeypatch):
    """Count the article and book records the lxml reader is asked to read."""
    calls = []
    original = pubmed_parser._read_element

    def counting(name, element):
        if name != "DeleteCitation":
            calls.append(name)
        return original(name, element)

    monkeypatch.setattr(pubmed_parser, "_read_element", counting)
    return calls


def test_compiled_reader_is_built_and_set_up():
    assert pubmed_parser.FAST is not None, "the compiled reader is not built: make install"
    built = pubmed_parser.FAST.constants()
    pubmed_parser._check_compiled_reader(built)  # agrees: no error
    with pytest.raises(ValueError, match="FIELDS differ"):
        pubmed_parser._check_compiled_reader({**built, "FIELDS": pubmed_parser.FIELDS[:-1]})
    with pytest.raises(ValueError, match="MATHML_TAGS differ"):
        pubmed_parser._check_compiled_reader({**built, "MATHML_TAGS": frozenset({"math"})})


def fixture_files():
    return sorted(FIXTURES.glob("*.xml"))


def test_compiled_reader_takes_every_fixture_record_itself(monkeypatch):
    calls = lxml_reads(monkeypatch)
    parsed = expected = 0
    for path in fixture_files():
        if path.name.startswith("eutils_error"):
            continue
        parsed += sum(isinstance(result, ParsedRecord) for result in iter_records(path))
        expected += len(re.findall(rb"<Pubmed(?:Book)?Article>", path.read_bytes()))
    assert parsed == expected == 29
    assert calls == []


@pytest.mark.parametrize("path", fixture_files(), ids=lambda path: path.name)
def test_every_fixture_file_reads_the_same_whole_and_a_few_bytes_at_a_time(path):
    data = path.read_bytes()
    expected = read(data, on=False)
    assert read(data, on=True) == expected
    assert read(data, on=True, trickle=len(data)) == expected


def test_white_space_collapses_as_str_split_does_for_every_character():
    collapse = pubmed_parser.FAST.collapse
    for start in range(0, sys.maxunicode + 1, 4096):
        for code in range(start, min(start + 4096, sys.maxunicode + 1)):
            if 0xD800 <= code <= 0xDFFF:
                continue
            c = chr(code)
            text = f"{c}a{c}{c}b {c}"
            assert collapse(text) == " ".join(text.split()), hex(code)


# Generated records: every field, with the odd values PubMed has or could have.

SPACES = [" ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "&#10;", "&#160;", "&#32;",
          "&#13;", "&#x2028;", "\n  "]  # fmt: skip
WORDS = ["Gene", "BRCA1", "p53 &amp; MDM2", "a &lt; b", "x &gt; y", "x > y", "café",
         "naïve", "&#x3B1;-helix", "&quot;q&quot;", "it&apos;s", "»", "\u00ad", "𝛼",
         "5'-UTR", "]]", "]", "x]>y", "&#38;", "&#60;i&#62;", "1/2", "Ⅻ"]  # fmt: skip
MATH = '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">{}</mml:math>'
MATH_PARTS = [
    "<mml:mi>x</mml:mi>", "<mml:mn> 2 </mml:mn>", "<mml:mo>&lt;</mml:mo>",
    "<mml:msup><mml:mi>V</mml:mi><mml:mn>2</mml:mn></mml:msup>",
    "<mml:mmultiscripts><mml:mi>He</mml:mi><mml:mprescripts/><mml:none/><mml:mn>3</mml:mn>"
    "</mml:mmultiscripts>",
    "<mml:mmultiscripts><mml:mi>C</mml:mi><mml:mn>1</mml:mn></mml:mmultiscripts>",
    '<mml:mrow>  <mml:mi mathvariant="bold">y</mml:mi> tail <mml:mtext>a  b</mml:mtext></mml:mrow>',
    "<mml:semantics><mml:mi>z</mml:mi><mml:annotation>\\zeta</mml:annotation></mml:semantics>",
    "<mml:mi><mml:mi>n</mml:mi>ested</mml:mi>", "<mml:foo>odd</mml:foo>",
    "<mml:mrow>&#160;<mml:mi>s</mml:mi>&#160;</mml:mrow>",
]  # fmt: skip
# Each is something the compiled reader must leave to the lxml reader.
BREAKERS = [
    "<!-- a comment -->", "<![CDATA[x < y]]>", "<?pi data?>", "&nbsp;", "\r\n", "\x01",
    "<mml:mi>unbound</mml:mi>", '<m xmlns="urn:x">default</m>', "&#0;", "&#xD800;",
    "\ufffe", "\u0085", "]]>", '<x a="1" a="2"/>', "<a:b:c/>", '<x:y xmlns:x=""/>',
    "<b>unclosed", "</i>", "&amp", "<1bad/>", '<x a="<"/>', "\x80",
    '<q xml:lang="en">x</q>', '<p:q xmlns:p="urn:p" p:a="1">x</p:q>',
    "<PubmedArticle>", "<DeleteCitation/>", "<é/>", "&#x110000;", "&#128;",
]  # fmt: skip


class Generator:
    def __init__(self, seed):
        self.random = random.Random(seed)
        self.breakers = 0

    def pick(self, options):
        return self.random.choice(options)

    def chance(self, p):
        return self.random.random() < p

    def text(self, words=3):
        parts = []
        for _ in range(self.random.randint(0, words)):
            parts.append(self.pick(WORDS))
            if self.chance(0.6):
                parts.append(self.pick(SPACES))
        if self.chance(0.01):
            self.breakers += 1
            parts.insert(self.random.randint(0, len(parts)), self.pick(BREAKERS))
        return "".join(parts)

    def rich(self, depth=2):
        parts = [self.pick(SPACES) if self.chance(0.3) else ""]
        for _ in range(self.random.randint(1, 4)):
            roll = self.random.random()
            if depth and roll < 0.15:
                tag = self.pick(["i", "b", "u", "sup", "sub", "span", "DispFormula", "i"])
                parts.append(f"<{tag}>{self.rich(depth - 1)}</{tag}>")
            elif depth and roll < 0.22:
                inner = "".join(self.pick(MATH_PARTS) for _ in range(self.random.randint(1, 3)))
                parts.append(MATH.format(inner))
            elif roll < 0.25:
                parts.append(self.pick(["<i/>", "<b></b>", "<br/>"]))
            else:
                parts.append(self.text())
        return "".join(parts)

    def attr(self, name, values):
        value = self.pick(values)
        if value is None:
            return ""
        quote = self.pick(['"', "'"])
        return f" {name}{self.pick(['=', ' = '])}{quote}{value}{quote}"

    def element(self, tag, content, p=0.9, **attributes):
        if not self.chance(p):
            return ""
        attrs = "".join(self.attr(name, values) for name, values in attributes.items())
        if content == "" and self.chance(0.3):
            return f"<{tag}{attrs}/>"
        return f"<{tag}{attrs}>{content}</{tag}>"

    def pmid(self):
        return self.pick(["123", "9997", "00123", "34017925", "0", "12a", "", " 77 ", "&#49;23",
                          "１２３", "1\u00a02"] + ["4567"] * 30)  # fmt: skip

    def date_parts(self, medline=True):
        if medline and self.chance(0.15):
            return self.element("MedlineDate", self.pick(
                ["1998 Dec-1999 Jan", "2021 Jan-Mar", "Spring 2000", "1977 Apr 17-21", "n.d.",
                 "2000 Sept", "1999-2000", " 2001  Jul "]))  # fmt: skip
        year = self.pick(["2020", "1999", "2000", "1900", "0000", "20x0", "202", "２０２０",
                          "\n2021\n", "2024", "&#50;022"])  # fmt: skip
        month = self.pick(["Jun", "June", "jun.", "06", "6", "12", "13", "0", "Ju", "Jun-Jul",
                           "²", "٣", "Mär", "Sep", "Feb", "02", " 2 ", "000000000003"])  # fmt: skip
        day = self.pick(["1", "05", "31", "29", "30", "5th", "٥", "", "+5", "1_0", "0",
                         "28", "9999999999", " 7"])  # fmt: skip
        return (
            self.element("Year", year)
            + self.element("Month", month, 0.8)
            + self.element("Day", day, 0.6)
            + self.element("Season", self.pick(["Spring", "Winter", " Fall "]), 0.1)
        )

    def authors(self, types=(None,)):
        people = []
        for _ in range(self.random.randint(0, 4)):
            if self.chance(0.15):
                names = self.element("CollectiveName", self.rich(1))
            else:
                names = (
                    self.element("LastName", self.text(2))
                    + self.element("ForeName", self.text(2), 0.8)
                    + self.element("Initials", self.pick(["J", "JA", "", "J-P"]), 0.8)
                )
            people.append(self.element("Author", names, 1, ValidYN=["Y", "N", None, None]))
        return self.element("AuthorList", "".join(people), 0.85, Type=list(types))

    def abstract(self):
        parts = []
        for _ in range(self.random.randint(1, 3)):
            parts.append(
                self.element(
                    "AbstractText",
                    self.rich(),
                    1,
                    Label=[None, "BACKGROUND", " Methods ", "A &amp; B", "a\tb", "", "&#32;x"],
                    NlmCategory=[None, "METHODS", "UNASSIGNED", ""],
                )
            )
        parts.append(self.element("CopyrightInformation", "(c) Someone", 0.2))
        return self.element("Abstract", "".join(parts), 0.7)

    def ids(self):
        ids = [
            self.element("ArticleId", self.pmid(), 1, IdType=["pubmed"]),
            self.element("ArticleId", self.doi(), 0.7, IdType=["doi", "DOI", ""]),
            self.element(
                "ArticleId",
                self.pick(
                    [
                        "PMC123",
                        "PMC0123.2",
                        "pmc5",
                        "PMC",
                        "PMC0",
                        "123",
                        "PMC12345678901",
                        "PMC1.2.3",
                        "PMC1.",
                        " PMC7 ",
                        "PMCID: PMC8",
                    ]
                ),
                0.5,
                IdType=["pmc"],
            ),  # fmt: skip
            self.element("ArticleId", "NBK1116", 0.3, IdType=["bookaccession"]),
        ]
        self.random.shuffle(ids)
        return self.element("ArticleIdList", "".join(ids), 0.95)

    def doi(self):
        return self.pick(["10.1000/ABC.1", "10.1000/abc.", "doi:10.1000/x", "10.1/x",
                          "https://doi.org/10.1038/NM.2830", "10.12345/x y", "10.1234/é",
                          "", "10.123/short", "10.1234/", "10.1234567890/x", " 10.5555/Z ",
                          "10.1038/nm.2830"])  # fmt: skip

    def elocations(self):
        return "".join(
            self.element(
                "ELocationID",
                self.doi(),
                0.6,
                EIdType=["doi", "pii", None],
                ValidYN=["Y", "N", None],
            )
            for _ in range(self.random.randint(0, 2))
        )

    def links(self):
        links = []
        for _ in range(self.random.randint(0, 4)):
            links.append(
                self.element(
                    "CommentsCorrections",
                    self.element("RefSource", self.text(2), 0.9)
                    + self.element("PMID", self.pick(["400712", "12a", "²", "", "00123"]), 0.8),
                    1,
                    RefType=[
                        "RetractionIn",
                        "ErratumIn",
                        "ExpressionOfConcernIn",
                        "Cites",
                        "CommentIn",
                        "RetractionOf",
                        None,
                        "",
                    ],  # fmt: skip
                )
            )
        return self.element("CommentsCorrectionsList", "".join(links), 0.5)

    def common(self):
        """Title, abstract, types and languages: the parts articles and books share."""
        title = self.rich() if self.chance(0.9) else ""
        types = "".join(
            self.element(
                "PublicationType",
                self.pick(["Journal Article", "Retracted Publication", "Review", " Letter "]),
                1,
            )  # fmt: skip
            for _ in range(self.random.randint(0, 3))
        )
        return (
            self.element("ArticleTitle", title, 0.97),
            self.element("VernacularTitle", self.rich(1), 0.2),
            self.abstract(),
            types,
            "".join(
                self.element("Language", self.pick(["eng", "ger", ""]), 1)
                for _ in range(self.random.randint(0, 2))
            ),  # fmt: skip
        )

    def pagination(self):
        if self.chance(0.6):
            return self.element(
                "Pagination", self.element("MedlinePgn", self.pick(["1-10", "e5", ""]))
            )
        return self.element(
            "Pagination",
            self.element("StartPage", self.pick(["1", "12", ""]))
            + self.element("EndPage", self.pick(["10", "12", ""]), 0.7),
        )

    def article(self):
        title, vernacular, abstract, types, languages = self.common()
        issue = self.element(
            "JournalIssue",
            self.element("Volume", self.text(1), 0.8)
            + self.element("Issue", self.text(1), 0.6)
            + self.element("PubDate", self.date_parts(), 0.95),
        )
        journal = self.element(
            "Journal",
            issue
            + self.element("Title", self.text(2))
            + self.element("ISOAbbreviation", self.text(2), 0.7),
        )
        article_dates = "".join(
            self.element(
                "ArticleDate", self.date_parts(False), 1, DateType=["Electronic", None, "Other"]
            )  # fmt: skip
            for _ in range(self.random.randint(0, 2))
        )
        article = self.element(
            "Article",
            journal + title + self.pagination() + self.elocations() + abstract + self.authors()
            + self.authors() * self.chance(0.1) + languages
            + self.element("PublicationTypeList", types, 0.9) + vernacular + article_dates,
            0.98,
            PubModel=["Print", None],
        )  # fmt: skip
        mesh = self.element(
            "MeshHeadingList",
            "".join(
                self.element("MeshHeading", self.element("DescriptorName", self.text(2), 1,
                             UI=["D1", None]) + self.element("QualifierName", "genetics", 0.5))
                for _ in range(self.random.randint(0, 3))
            ),
            0.5,
        )  # fmt: skip
        citation = self.element(
            "MedlineCitation",
            self.element("PMID", self.pmid(), 0.98, Version=["1", "2", "02", "x", "", None])
            + self.element("DateRevised", self.date_parts(False), 0.7)
            + article
            + self.element("MedlineJournalInfo", self.element("MedlineTA", self.text(2)), 0.6)
            + self.links()
            + mesh,
            0.98,
            Status=["MEDLINE", "PubMed-not-MEDLINE", "", None],
        )
        references = self.element(
            "ReferenceList",
            self.element("Reference", self.element("Citation", self.text()) + self.ids()),
            0.3,
        )
        data = self.element("PubmedData", self.ids() + references, 0.9)
        return f"<PubmedArticle>{citation}{data}</PubmedArticle>"

    def book(self):
        title, vernacular, abstract, types, languages = self.common()
        book = self.element(
            "Book",
            self.element("Publisher", self.element("PublisherName", self.text(2))
                         + self.element("PublisherLocation", self.text(1), 0.7), 0.8)
            + self.element("BookTitle", self.rich(1), 0.9)
            + self.element("PubDate", self.date_parts(), 0.9)
            + self.authors(("editors", "authors", None))
            + self.element("Volume", self.text(1), 0.3)
            + self.elocations(),
            0.97,
        )  # fmt: skip
        document = self.element(
            "BookDocument",
            self.element("PMID", self.pmid(), 0.98, Version=["1", None])
            + self.ids()
            + book
            + title
            + vernacular
            + self.pagination()
            + self.authors(("editors", "authors", None))
            + types
            + abstract
            + languages
            + self.element("DateRevised", self.date_parts(False), 0.5),
            0.98,
        )
        data = self.element("PubmedBookData", self.ids(), 0.8)
        return f"<PubmedBookArticle>{document}{data}</PubmedBookArticle>"

    def document(self, records):
        body = [self.book() if self.chance(0.15) else self.article() for _ in range(records)]
        return SET_HEAD + "\n".join(body).encode() + b"\n" + SET_TAIL


@pytest.mark.parametrize("seed", range(8))
def test_generated_records_read_the_same_with_and_without_the_compiled_reader(seed, monkeypatch):
    generator = Generator(seed)
    data = generator.document(150)
    calls = lxml_reads(monkeypatch)
    expected = read(data, on=False)
    lxml_total = len(calls)
    calls.clear()
    assert read(data, on=True) == expected
    # Not vacuous: the compiled reader took most records, and left it some to read.
    assert lxml_total >= 100
    assert 0 < len(calls) < lxml_total / 2
    assert read(data, on=True, trickle=seed) == expected


@pytest.mark.parametrize("seed", range(4))
def test_real_records_mutated_at_random_read_the_same(seed):
    """Bytes cut, doubled or replaced in real records: both readers fail or read alike."""
    rng = random.Random(seed)
    snippets = [b"<", b">", b"&", b"/", b"'", b'"', b"]]>", b"\xc3", b"\xe2\x80\xa8", b"\r",
                b"<i>", b"</b>", b"&#10;", b" ", b"=", b"mml:", b"xmlns:q='u'"]  # fmt: skip
    for path in fixture_files():
        original = path.read_bytes()
        for _ in range(6):
            data = bytearray(original)
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(data))
                span = rng.randint(1, 12)
                roll = rng.random()
                if roll < 0.35:
                    del data[at : at + span]
                elif roll < 0.6:
                    data[at:at] = data[at : at + span]
                else:
                    data[at : at + rng.randint(0, 2)] = rng.choice(snippets)
            data = bytes(data)
            assert read(data, on=True) == read(data, on=False), (path.name, seed)


def test_a_record_too_big_for_the_compiled_reader_is_read_by_lxml(monkeypatch):
    huge = "word " * 250_000  # 1.25 MB of title: beyond the compiled reader's limit
    generator = Generator(0)
    record = re.sub(
        r"<ArticleTitle>.*?</ArticleTitle>|<ArticleTitle/>",
        f"<ArticleTitle>{huge}</ArticleTitle>",
        generator.article(),
        count=1,
    )
    data = SET_HEAD + record.encode() + SET_TAIL
    calls = lxml_reads(monkeypatch)
    assert read(data, on=True) == read(data, on=False)
    assert calls == ["PubmedArticle", "PubmedArticle"]


def test_manage_check_warns_when_the_compiled_reader_is_not_built(monkeypatch):
    from django.core import checks

    assert [m.id for m in checks.run_checks() if m.id == "references.W001"] == []
    monkeypatch.setattr(pubmed_parser, "FAST", None)
    (warning,) = [m for m in checks.run_checks() if m.id == "references.W001"]
    assert warning.level == checks.WARNING
    assert "make install" in warning.hint


def test_threads_reading_at_once_each_get_their_own_records():
    """Each scan() call has its own buffers; Python helpers it calls may switch threads."""
    from concurrent.futures import ThreadPoolExecutor

    documents = [Generator(seed).document(60) for seed in range(4)]
    expected = [read(data, on=True) for data in documents]

    def parse(index):
        return index % 4, repr(list(iter_records(io.BytesIO(documents[index % 4]))))

    with ThreadPoolExecutor(max_workers=4) as pool:
        for index, got in pool.map(parse, range(16)):
            assert got == expected[index]
