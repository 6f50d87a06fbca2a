"""Our PubMed parser against Biopython's Bio.Entrez.read on every fixture record.

Where the two agree the test compares them field by field; where they differ on
purpose a named test shows the difference and says why. Biopython reads the
DTDs it ships; urlopen is replaced so that a missing DTD fails the test instead
of being downloaded.
"""

import functools
import io
import re
from pathlib import Path

import pytest
from Bio import Entrez
from Bio.Entrez import Parser as EntrezParser

from references.pubmed_parser import DeletedRecord, EutilsError, ParsedRecord, iter_records

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pubmed"
RECORD_FILES = sorted(
    path.name
    for path in FIXTURES.glob("*.xml")
    if not path.name.startswith(("eutils_error", "empty_set"))
)
INLINE_TAG = re.compile(r"</?(?:i|b|u|sup|sub)>")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(url, *args, **kwargs):
        raise AssertionError(f"Biopython tried to download {url}")

    monkeypatch.setattr(EntrezParser, "urlopen", refuse)


def entrez_read(name):
    """Bio.Entrez.read of a fixture, its http:// DTD address made https:// (see below)."""
    data = (FIXTURES / name).read_bytes()
    data = data.replace(b'"http://dtd.nlm.nih.gov/', b'"https://dtd.nlm.nih.gov/', 1)
    return Entrez.read(io.BytesIO(data), validate=False)


@functools.cache
def ours(name):
    return {
        (result.pmid, result.data["pmid_version"]): result.data
        for result in iter_records(FIXTURES / name)
        if isinstance(result, ParsedRecord)
    }


@functools.cache
def theirs(name):
    """Biopython's records as {(pmid, version): the fields we compare}."""
    parsed = entrez_read(name)
    records = {}
    for article in parsed["PubmedArticle"]:
        citation = article["MedlineCitation"]
        fields = citation["Article"]
        issue = fields["Journal"]["JournalIssue"]
        records[_key(citation["PMID"])] = {
            "title": str(fields["ArticleTitle"]),
            "authors": _authors(fields.get("AuthorList", [])),
            "journal": fields["Journal"].get("Title"),
            "journal_abbrev": fields["Journal"].get("ISOAbbreviation"),
            "volume": issue.get("Volume"),
            "issue": issue.get("Issue"),
            "year": _year(issue["PubDate"]),
            "doi": _doi(fields.get("ELocationID", []), article["PubmedData"]["ArticleIdList"]),
            "pmcid": _id(article["PubmedData"]["ArticleIdList"], "pmc"),
            "publication_types": [str(kind) for kind in fields["PublicationTypeList"]],
            "mesh_terms": [str(h["DescriptorName"]) for h in citation.get("MeshHeadingList", [])],
            "language": str(fields["Language"][0]),
        }
    for book_article in parsed["PubmedBookArticle"]:
        document = book_article["BookDocument"]
        records[_key(document["PMID"])] = {
            "title": str(document["ArticleTitle"]),
            "authors": _authors(
                author
                for author_list in document["AuthorList"]
                if author_list.attributes.get("Type") != "editors"
                for author in author_list
            ),
            "journal": None,
            "journal_abbrev": None,
            "volume": document["Book"].get("Volume"),
            "issue": None,
            "year": _year(document["Book"]["PubDate"]),
            "doi": _doi([], document["ArticleIdList"]),
            "pmcid": _id(document["ArticleIdList"], "pmc"),
            "publication_types": [str(kind) for kind in document["PublicationType"]],
            "mesh_terms": [],
            "language": str(document["Language"][0]),
        }
    return records


def _key(pmid):
    return str(pmid), int(pmid.attributes.get("Version", 1))


def _authors(authors):
    people = []
    for author in authors:
        if "CollectiveName" in author:
            people.append({"collective": str(author["CollectiveName"])})
        else:
            people.append(
                {
                    "family": str(author["LastName"]),
                    "given": str(author["ForeName"]) if "ForeName" in author else None,
                    "initials": str(author["Initials"]) if "Initials" in author else None,
                }
            )
    return people


def _year(pub_date):
    if "Year" in pub_date:
        return int(pub_date["Year"])
    return int(re.search(r"[0-9]{4}", pub_date["MedlineDate"]).group(0))


def _id(id_list, kind):
    for element in id_list:
        if element.attributes["IdType"] == kind:
            return str(element)
    return None


def _doi(elocations, id_list):
    for element in elocations:
        if element.attributes["EIdType"] == "doi" and element.attributes.get("ValidYN") != "N":
            return str(element).lower()
    doi = _id(id_list, "doi")
    return doi.lower() if doi else None


def _comparable(text):
    """Biopython keeps inline tags inside its strings; without them, whitespace aside."""
    return " ".join(INLINE_TAG.sub("", text).split()) or None


@pytest.mark.parametrize("name", RECORD_FILES)
def test_both_parsers_find_the_same_records(name):
    assert set(ours(name)) == set(theirs(name))


@pytest.mark.parametrize("name", RECORD_FILES)
def test_title_text_agrees_once_biopythons_inline_tags_are_removed(name):
    mine = ours(name)
    for key, record in theirs(name).items():
        if not record["title"]:
            continue  # The empty <ArticleTitle/>: see the named test below.
        assert mine[key]["title"] == _comparable(record["title"]), key


@pytest.mark.parametrize("name", RECORD_FILES)
@pytest.mark.parametrize(
    "field",
    ["authors", "journal", "journal_abbrev", "volume", "issue", "year", "doi",
     "publication_types", "mesh_terms", "language"],
)  # fmt: skip
def test_field_agrees_with_biopython(name, field):
    mine = ours(name)
    for key, record in theirs(name).items():
        assert mine[key][field] == record[field], (key, field)


@pytest.mark.parametrize("name", RECORD_FILES)
def test_pmcid_agrees_once_biopythons_version_suffix_is_dropped(name):
    mine = ours(name)
    for key, record in theirs(name).items():
        expected = record["pmcid"].split(".")[0] if record["pmcid"] else None
        assert mine[key]["pmcid"] == expected, key


def test_deleted_pmids_agree():
    name = "delete_citation_update_file_tail_pmid34097368.xml"
    mine = [r.pmid for r in iter_records(FIXTURES / name) if isinstance(r, DeletedRecord)]
    assert mine == [str(pmid) for pmid in entrez_read(name)["DeleteCitation"]]
    assert len(mine) == 20


def test_empty_set_gives_no_record_in_either():
    name = "empty_set_unavailable_pmid37909814.xml"
    parsed = entrez_read(name)
    assert (len(parsed["PubmedArticle"]), len(parsed["PubmedBookArticle"])) == (0, 0)
    assert list(iter_records(FIXTURES / name)) == []


# Deliberate differences


def test_biopython_keeps_inline_markup_as_unescaped_text_we_give_plain_text_and_safe_html():
    """Biopython's strings mix real tags with unescaped text ("r<sup>2</sup><0.25"), which
    is neither plain text for search nor safe HTML for display; we keep one of each."""
    name = "structured_abstract_label_no_nlmcategory_pmid27797938.xml"
    (article,) = entrez_read(name)["PubmedArticle"]
    results = str(article["MedlineCitation"]["Article"]["Abstract"]["AbstractText"][2])
    assert "r<sup>2</sup><0.25" in results
    mine = ours(name)[("27797938", 1)]
    assert "r2<0.25" in mine["abstract"]
    assert "r<sup>2</sup>&lt;0.25" in mine["abstract_html"]


def test_biopython_keeps_mathml_as_raw_markup_we_give_its_text_and_compact_safe_math():
    """Biopython returns the MathML subtree with its namespace and indentation; we index
    its token text ("3He/129Xe") and display it as attribute-free <math>."""
    name = "collective_name_mathml_references_pmid29963580.xml"
    (article,) = entrez_read(name)["PubmedArticle"]
    abstract = str(article["MedlineCitation"]["Article"]["Abstract"]["AbstractText"][0])
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML">\n' in abstract
    mine = ours(name)[("29963580", 1)]
    assert "inhaled 3He/129Xe MRI ventilation" in mine["abstract"]
    assert "<math><mrow><mmultiscripts>" in mine["abstract_html"]


def test_biopython_returns_an_empty_title_where_we_fall_back_to_the_vernacular_title():
    """DESIGN needs a title to show; 34097092 has only <VernacularTitle>."""
    name = "non_english_empty_title_other_abstract_pmid34097092_34096929.xml"
    assert theirs(name)[("34097092", 1)]["title"] == ""
    assert ours(name)[("34097092", 1)]["title"] == "Mitteilungen der DGN."


def test_biopython_keeps_the_pmcid_version_we_drop_it():
    """PMC8095192.2 is version 2 of PMC8095192; references match on the article, not the
    version, and references.identifiers only accepts the bare form."""
    name = "versioned_pmid_v1_v2_pmid34017925.xml"
    assert theirs(name)[("34017925", 2)]["pmcid"] == "PMC8095192.2"
    assert ours(name)[("34017925", 2)]["pmcid"] == "PMC8095192"


def test_biopython_keeps_the_books_title_markup_we_give_the_book_title_as_text():
    name = "book_article_genereviews_pmid20301577.xml"
    (book_article,) = entrez_read(name)["PubmedBookArticle"]
    assert str(book_article["BookDocument"]["Book"]["BookTitle"]) == "GeneReviews<sup>\u00ae</sup>"
    assert ours(name)[("20301577", 1)]["book_title"] == "GeneReviews\u00ae"


def test_biopython_cannot_read_a_baseline_file_whose_dtd_address_is_http():
    """NLM's baseline files name their DTD with http://, which Biopython refuses (the tests
    above rewrite that line for it). We never load a DTD, so the file reads as it is."""
    name = "medlinedate_year_ranges_pmid399698_399706_399974.xml"
    with pytest.raises(ValueError, match="Expected secure URL to NCBI"):
        Entrez.read(io.BytesIO((FIXTURES / name).read_bytes()), validate=False)
    assert len(ours(name)) == 3


def test_both_raise_on_an_eutils_error_body_and_we_keep_every_message():
    """Biopython raises RuntimeError with the first <ERROR> only."""
    name = "eutils_error_epost_multiple_errors.xml"
    with pytest.raises(RuntimeError, match="^Empty ID list; Nothing to store$"):
        entrez_read(name)
    with pytest.raises(EutilsError) as error:
        list(iter_records(FIXTURES / name))
    assert len(error.value.messages) == 2


def test_biopython_reads_an_esearch_answer_we_refuse_it_as_not_a_pubmed_set():
    """Biopython parses any E-utility's XML; we only read article sets, and an esearch
    answer reporting an unknown phrase is an error to the caller who expected records."""
    name = "eutils_error_esearch_phrase_not_found.xml"
    parsed = entrez_read(name)
    assert parsed["Count"] == "0"
    assert parsed["ErrorList"]["PhraseNotFound"] == ["abcXYZ"]
    with pytest.raises(EutilsError, match="PhraseNotFound: abcXYZ"):
        list(iter_records(FIXTURES / name))
