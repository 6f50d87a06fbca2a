"""The text reader of PubMed articles (pubmed_scan) gives what the tree reader gives.

test_pubmed_parser runs every case through both readers; here every fixture
article goes through each of the text reader's two ways (the usual shape in a
few regular expressions, and a tag at a time), and records written in shapes
NCBI does not use, but XML allows, must come out as the tree reads them.
"""

import io
from pathlib import Path

import pytest

from references import pubmed_parser, pubmed_scan
from references.pubmed_parser import ParsedRecord, iter_records
from references.standin import RECORD_RE

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pubmed"
ARTICLES = [
    (path.name, match.group(0))
    for path in sorted(FIXTURES.glob("*.xml"))
    for match in RECORD_RE.finditer(path.read_bytes())
    if match.group(0).startswith((b"<PubmedArticle>", b"<PubmedArticle "))
]


def tree_data(raw):
    (result,) = pubmed_parser._read_record("PubmedArticle", raw)
    assert isinstance(result, ParsedRecord), result
    return result.data


def test_the_fixtures_hold_articles_of_every_kind():
    assert len(ARTICLES) == 28


@pytest.mark.parametrize(("name", "raw"), ARTICLES, ids=[name for name, _ in ARTICLES])
def test_every_fixture_article_reads_the_same_both_ways_as_from_its_tree(name, raw):
    expected = tree_data(raw)
    text = raw.decode()
    usual = pubmed_scan._usual(text)
    assert usual is not None, "NCBI's own records are in the usual shape"
    assert usual == expected
    assert pubmed_scan._article(text) == expected
    assert pubmed_scan.read_article(raw) == expected


OWN_IDS = '<ArticleIdList><ArticleId IdType="pubmed">111</ArticleId></ArticleIdList>'


def article(title="A title.", *, citation_head="", journal="<Title>J</Title>", article="", more="", data=OWN_IDS):  # fmt: skip
    return (
        '<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">111</PMID>'
        f'{citation_head}<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">'
        f"<PubDate><Year>2020</Year></PubDate></JournalIssue>{journal}</Journal>"
        f"<ArticleTitle>{title}</ArticleTitle>{article}<Language>eng</Language>"
        "<PublicationTypeList><PublicationType>Journal Article</PublicationType>"
        f"</PublicationTypeList></Article>{more}</MedlineCitation>"
        "<PubmedData><PublicationStatus>ppublish</PublicationStatus>"
        f"{data}"
        "</PubmedData></PubmedArticle>"
    )


AUTHORS = (
    '<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>M&#xfc;ller</LastName>'
    "<ForeName>Anna  Maria</ForeName><Initials>AM</Initials><Suffix>Jr</Suffix>"
    '<Identifier Source="ORCID">0000</Identifier></Author>'
    '<Author ValidYN="N"><LastName>Wrong</LastName></Author>'
    "<Author><LastName>Solo</LastName></Author>"
    "<Author><CollectiveName>The <i>X</i> Group</CollectiveName></Author></AuthorList>"
)
SHAPES = {
    "usual": article(),
    "a > inside an attribute value": article(
        article='<Abstract><AbstractText Label="A>B" NlmCategory="METHODS">Text.</AbstractText></Abstract>'
    ),
    "single-quoted attributes": article(
        article="<ELocationID EIdType='doi' ValidYN='Y'>10.1000/single</ELocationID>"
    ),
    "entities and white space in attribute values": article(
        article='<Abstract><AbstractText Label="R&amp;D&#10;done\tnow">Text.</AbstractText></Abstract>'
    ),
    "character references and white space in names": article(article=AUTHORS),
    "carriage returns in text": article(title="A\r\ntitle\rwith  breaks."),
    "an empty title with a vernacular one": article(
        title="", article="<VernacularTitle>Ein Titel.</VernacularTitle>"
    ).replace("<ArticleTitle></ArticleTitle>", "<ArticleTitle/>"),
    "markup in a journal title": article(journal="<Title>J <i>of</i> Things</Title>"),
    "a space before the end of an end tag": article(journal="<Title>J</Title >"),
    "a comment in a title": article(title="A <!-- note -->title."),
    "a comment that looks like a tag": article(
        journal="<!-- <Title>Old</Title> --><Title>New</Title>",
        article="<AuthorList><!-- <Author><LastName>Gone</LastName></Author> --></AuthorList>",
    ),
    "a CDATA section in an abstract": article(
        article="<Abstract><AbstractText><![CDATA[a < b & c]]> holds.</AbstractText></Abstract>"
    ),
    "an empty abstract section": article(
        article="<Abstract><AbstractText/><AbstractText>Kept.</AbstractText></Abstract>"
    ),
    "MathML with its namespace": article(
        article='<Abstract><AbstractText>Mass <mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">'
        "<mml:msup><mml:mi>m</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:math> grows.</AbstractText></Abstract>"
    ),
    "children out of the DTD's order": article(
        article="<Language>fre</Language><Abstract><AbstractText>Late.</AbstractText></Abstract>"
    ),
    "a nested reference list": article(
        data='<ArticleIdList><ArticleId IdType="doi">10.1000/own</ArticleId></ArticleIdList>'
        '<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.1000/other</ArticleId>'
        '</ArticleIdList></Reference><ReferenceList><Reference><ArticleIdList><ArticleId IdType="pmc">'
        "PMC1</ArticleId></ArticleIdList></Reference></ReferenceList></ReferenceList>"
    ),
    "ids only after the reference list": article(
        data='<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.1000/other'
        '</ArticleId></ArticleIdList></Reference></ReferenceList><ArticleIdList><ArticleId IdType="doi">'
        "10.1000/own</ArticleId></ArticleIdList>"
    ),
    "links, MeSH and a revision date": article(
        citation_head="<DateRevised><Year>2021</Year><Month>02</Month><Day>30</Day></DateRevised>",
        more='<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn"><RefSource>J &amp; K'
        '</RefSource><PMID Version="1">222</PMID></CommentsCorrections><CommentsCorrections RefType="Cites">'
        "<RefSource>X</RefSource></CommentsCorrections></CommentsCorrectionsList><MeshHeadingList>"
        '<MeshHeading><DescriptorName UI="D1">A &amp; B</DescriptorName></MeshHeading></MeshHeadingList>',
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_records_in_shapes_ncbi_does_not_write_read_as_from_their_tree(shape, monkeypatch):
    document = (
        f'<?xml version="1.0"?>\n<PubmedArticleSet>{SHAPES[shape]}</PubmedArticleSet>'.encode()
    )
    by_text = list(iter_records(io.BytesIO(document)))
    monkeypatch.setattr(pubmed_parser, "SCAN", False)
    by_tree = list(iter_records(io.BytesIO(document)))
    assert [type(result) for result in by_tree] == [ParsedRecord]
    assert by_text == by_tree


def test_the_usual_shape_is_read_by_regular_expressions_and_others_tag_by_tag():
    assert pubmed_scan._usual(SHAPES["usual"]) is not None
    assert pubmed_scan._usual(SHAPES["children out of the DTD's order"]) is None
    assert pubmed_scan._article(SHAPES["children out of the DTD's order"]) is not None
    # What neither way reads with certainty is left to the tree.
    assert pubmed_scan.read_article(SHAPES["a space before the end of an end tag"].encode()) is None
    assert pubmed_scan.read_article(SHAPES["ids only after the reference list"].encode()) is None
    for shape in ("a comment that looks like a tag", "a CDATA section in an abstract"):
        assert pubmed_scan.read_article(SHAPES[shape].encode()) is None
