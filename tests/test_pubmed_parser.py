"""The PubMed XML parser on every fixture record, field by field, and on broken input.

Every test runs twice: with the compiled reader, which reads the records it is sure of
and leaves the rest to the lxml reader, and with the lxml reader alone.
"""

import gzip
import io
import re
import tracemalloc
import zlib
from pathlib import Path

import pytest

from references import pubmed_parser
from references.pubmed_parser import (
    FIELDS,
    DeletedRecord,
    EutilsError,
    FailedRecord,
    ParsedRecord,
    PubmedXMLError,
    iter_records,
)

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pubmed"
RECORD_FILES = sorted(
    path.name for path in FIXTURES.glob("*.xml") if not path.name.startswith("eutils_error")
)
DESIGN_FIELDS = {
    "kind", "pmid", "pmid_version", "doi", "pmcid", "url", "title", "title_html",
    "vernacular_title", "authors", "journal", "journal_abbrev", "volume", "issue", "pages",
    "year", "published", "medline_date", "epub_date", "abstract", "abstract_sections",
    "publication_types", "mesh_terms", "language", "retracted", "retraction_pmids",
    "erratum_pmids", "concern_pmids",
}  # fmt: skip
LIST_FIELDS = {
    "authors", "abstract_sections", "publication_types", "mesh_terms", "retraction_pmids",
    "erratum_pmids", "concern_pmids",
}  # fmt: skip


@pytest.fixture(autouse=True, params=["compiled", "lxml"])
def reader(request, monkeypatch):
    if request.param == "lxml":
        monkeypatch.setattr(pubmed_parser, "FAST", None)
    else:
        assert pubmed_parser.FAST is not None, "the compiled reader is not built: make install"
    return request.param


def results(name):
    return list(iter_records(FIXTURES / name))


def record(name, pmid, version=1):
    """The data of one record of a fixture file."""
    for result in results(name):
        if isinstance(result, ParsedRecord) and (result.pmid, result.data["pmid_version"]) == (
            pmid,
            version,
        ):
            return result.data
    raise AssertionError(f"PMID {pmid} v{version} is not in {name}")


def read_bytes(data):
    return list(iter_records(io.BytesIO(data)))


def article(pmid="111", title="A title.", *, pub_date="<Year>2020</Year>", article="", more=""):
    """A minimal PubmedArticle; ``article`` goes inside <Article>, ``more`` after it."""
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">'
        f"<PubDate>{pub_date}</PubDate></JournalIssue><Title>J</Title></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle>{article}<Language>eng</Language>"
        "<PublicationTypeList><PublicationType>Journal Article</PublicationType>"
        f"</PublicationTypeList></Article>{more}</MedlineCitation>"
        "<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        "</PubmedArticle>"
    )


def article_set(*records):
    body = "\n".join(records)
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}\n</PubmedArticleSet>\n'.encode()


def only(data):
    (result,) = read_bytes(data)
    assert isinstance(result, ParsedRecord), result
    return result.data


def pmids_in_file_name(name):
    return set(re.search(r"pmid([0-9]+(?:_[0-9]+)*)", name).group(1).split("_"))


# Every fixture


@pytest.mark.parametrize("name", RECORD_FILES)
def test_every_fixture_record_is_read_with_the_pmids_its_file_names(name):
    found = results(name)
    assert not [r for r in found if isinstance(r, FailedRecord)]
    pmids = {r.pmid for r in found if isinstance(r, ParsedRecord)}
    expected = set() if name.startswith("empty_set") else pmids_in_file_name(name)
    assert pmids == expected


@pytest.mark.parametrize("name", RECORD_FILES)
def test_every_record_has_the_reference_fields_with_null_or_empty_list_when_absent(name):
    for result in results(name):
        if not isinstance(result, ParsedRecord):
            continue
        data = result.data
        assert list(data) == list(FIELDS)
        assert set(data) >= DESIGN_FIELDS
        assert data["url"] is None
        assert isinstance(data["pmid"], str) and isinstance(data["pmid_version"], int)
        assert isinstance(data["retracted"], bool)
        for field in LIST_FIELDS:
            assert isinstance(data[field], list), field
        for field, value in data.items():
            assert value != "", f"{field} is an empty string instead of None"


# Titles


def test_title_is_plain_text_and_title_html_keeps_the_italics():
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert data["title"] == (
        "Leucocyte telomere length, genetic variants at the TERT gene region "
        "and risk of pancreatic cancer."
    )
    assert data["title_html"] == (
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region "
        "and risk of pancreatic cancer."
    )


def test_words_around_inline_tags_keep_their_spaces():
    data = record(
        "retraction_pair_eoc_collective_pmid33104149_34095918_34086810_32090497.xml", "33104149"
    )
    assert data["title"].endswith("epitope from Mycobacterium tuberculosis.")
    assert data["title_html"].endswith("epitope from <i>Mycobacterium tuberculosis</i>.")


def test_italics_straddling_a_quote_come_out_well_formed():
    data = record("mathml_markup_across_quote_pmid30108519.xml", "30108519")
    assert data["title"].startswith('A "Blood Relationship" Between the Overlooked')
    assert data["title_html"].startswith('A "<i>Blood Relationship"</i> Between')


@pytest.mark.parametrize(
    "name, pmid, title, vernacular",
    [
        (
            "vernacular_bracketed_title_german_pmid38048813.xml",
            "38048813",
            "[A Broader Scope - Bio-Psycho-Social Medicine In Global Focus].",
            "A Broader Scope \u2013 Bio-psycho-soziale Medizin im globalen Fokus.",
        ),
        (
            "medlinedate_quarter_bracketed_italian_pmid34089634_34092084.xml",
            "34089634",
            "[Past, present and future].",
            "Passato, presente e futuro.",
        ),
        (
            "medlinedate_year_ranges_pmid399698_399706_399974.xml",
            "399698",
            "[Dental terminology. The final entries under the letter F].",
            "Terminologia dental. Final de la letra F.",
        ),
    ],
)
def test_translated_title_keeps_its_brackets_and_the_original_is_the_vernacular_title(
    name, pmid, title, vernacular
):
    data = record(name, pmid)
    assert data["title"] == title
    assert data["vernacular_title"] == vernacular


def test_empty_article_title_falls_back_to_the_vernacular_title():
    data = record("non_english_empty_title_other_abstract_pmid34097092_34096929.xml", "34097092")
    assert data["title"] == "Mitteilungen der DGN."
    assert data["title_html"] == "Mitteilungen der DGN."
    assert data["vernacular_title"] == "Mitteilungen der DGN."


def test_english_title_has_no_vernacular_title():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "9997")
    assert data["vernacular_title"] is None


def test_hostile_markup_in_a_title_comes_out_inert():
    title = (
        "Safe <i onmouseover=\"alert('i')\">gene</i> "
        "<script>alert(1)</script> "
        '<a href="javascript:alert(2)">click</a> '
        '<img src="x" onerror="alert(3)"/>'
        "&lt;script&gt;alert(4)&lt;/script&gt; &amp; <b><sup>2</sup></b>"
    )
    data = only(article_set(article(title=title)))
    html = data["title_html"]
    assert html == (
        "Safe <i>gene</i> alert(1) click &lt;script&gt;alert(4)&lt;/script&gt; &amp; "
        "<b><sup>2</sup></b>"
    )
    assert data["title"] == "Safe gene alert(1) click <script>alert(4)</script> & 2"


def test_mathml_in_a_title_is_kept_as_math_without_attributes_or_annotations():
    math = (
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML" display="block">'
        "<mml:semantics><mml:msup>"
        '<mml:mi mathvariant="bold" href="javascript:alert(1)">x</mml:mi><mml:mn>2</mml:mn>'
        "</mml:msup>"
        '<mml:annotation-xml encoding="text/html"><script>alert(2)</script></mml:annotation-xml>'
        '<mml:maction actiontype="statusline"><mml:mi>y</mml:mi></mml:maction>'
        "</mml:semantics></mml:math>"
    )
    data = only(article_set(article(title=f"Energy {math} and &lt;b&gt;")))
    assert data["title_html"] == (
        "Energy <math><semantics><msup><mi>x</mi><mn>2</mn></msup><mi>y</mi></semantics></math>"
        " and &lt;b&gt;"
    )
    assert data["title"] == "Energy x2y and <b>"


# Authors


def test_personal_authors_have_family_given_and_initials_in_order():
    data = record("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399706")
    assert data["authors"] == [
        {"family": "Heckemann", "given": "R", "initials": "R"},
        {"family": "Hartmann", "given": "H G", "initials": "HG"},
        {"family": "Eickenberg", "given": "H U", "initials": "HU"},
    ]


@pytest.mark.parametrize(
    "name, pmid, count, collective",
    [
        ("collective_name_mathml_references_pmid29963580.xml", "29963580", 9,
         "Canadian Respiratory Research Network"),
        ("structured_abstract_label_vs_nlmcategory_collective_pmid23435529.xml", "23435529", 15,
         "TAX 325 Study Group"),
        ("delete_citation_update_file_tail_pmid34097368.xml", "34097368", 11,
         "PEMPHIX Study Group"),
    ],
)  # fmt: skip
def test_collective_author_keeps_its_place_after_the_personal_authors(
    name, pmid, count, collective
):
    authors = record(name, pmid)["authors"]
    assert len(authors) == count
    assert authors[-1] == {"collective": collective}
    assert all("family" in author for author in authors[:-1])


def test_notice_signed_by_a_collective_only_has_that_author():
    data = record(
        "retraction_pair_eoc_collective_pmid33104149_34095918_34086810_32090497.xml", "34086810"
    )
    assert data["authors"] == [{"collective": "PLOS ONE Editors"}]


@pytest.mark.parametrize(
    "name, pmid",
    [
        ("medlinedate_quarter_bracketed_italian_pmid34089634_34092084.xml", "34092084"),
        ("retracted_and_retraction_notices_1979_pmid400712_423962_400955_400964.xml", "400955"),
    ],
)
def test_record_without_an_author_list_has_no_authors(name, pmid):
    assert record(name, pmid)["authors"] == []


def test_author_marked_invalid_is_left_out():
    authors = (
        '<AuthorList CompleteYN="Y">'
        '<Author ValidYN="N"><LastName>Smiht</LastName><Initials>J</Initials></Author>'
        '<Author ValidYN="Y"><LastName>Smith</LastName><Initials>J</Initials></Author>'
        "</AuthorList>"
    )
    data = only(article_set(article(article=authors)))
    assert data["authors"] == [{"family": "Smith", "given": None, "initials": "J"}]


# Journal, volume, issue, pages


def test_journal_volume_issue_and_pages():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "9997")
    assert data["journal"] == "Biochimica et biophysica acta"
    assert data["journal_abbrev"] == "Biochim Biophys Acta"
    assert (data["volume"], data["issue"], data["pages"]) == ("446", "1", "179-91")


def test_ahead_of_print_record_has_no_volume_issue_or_pages():
    data = record("delete_citation_update_file_tail_pmid34097368.xml", "34097368")
    assert data["journal"] == "The New England journal of medicine"
    assert (data["volume"], data["issue"], data["pages"]) == (None, None, None)


def test_pages_fall_back_to_start_and_end_page_without_medline_pagination():
    pagination = "<Pagination><StartPage>e12</StartPage><EndPage>e19</EndPage></Pagination>"
    assert only(article_set(article(article=pagination)))["pages"] == "e12-e19"


# Dates


@pytest.mark.parametrize(
    "name, pmid, year, published",
    [
        ("season_no_abstract_two_records_pmid12091962_9997.xml", "9997", 1976, "1976-09-28"),
        ("collective_name_mathml_references_pmid29963580.xml", "29963580", 2018, "2018-04"),
        ("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938", 2017,
         "2017-06"),
        ("mathml_markup_across_quote_pmid30108519.xml", "30108519", 2018, "2018"),
        ("structured_abstract_label_vs_nlmcategory_collective_pmid23435529.xml", "23435529",
         2013, "2013-04-01"),
    ],
)  # fmt: skip
def test_publication_date_is_iso_at_the_precision_pubmed_gives(name, pmid, year, published):
    data = record(name, pmid)
    assert (data["year"], data["published"], data["medline_date"]) == (year, published, None)


def test_season_gives_the_year_and_keeps_the_season():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "12091962")
    assert (data["year"], data["published"], data["season"]) == (1990, "1990", "Spring")
    assert data["medline_date"] is None


@pytest.mark.parametrize(
    "name, pmid, text, year",
    [
        ("medlinedate_quarter_bracketed_italian_pmid34089634_34092084.xml", "34089634",
         "2021 Jan-Mar", 2021),
        ("medlinedate_quarter_bracketed_italian_pmid34089634_34092084.xml", "34092084",
         "2021 Jan-Mar", 2021),
        ("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399698", "1979 Nov-1980 May",
         1979),
        ("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399706", "1979-1980", 1979),
        ("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399974",
         "1979-1980 Fall-Winter", 1979),
    ],
)  # fmt: skip
def test_medline_date_keeps_its_text_and_gives_the_first_year(name, pmid, text, year):
    data = record(name, pmid)
    assert (data["medline_date"], data["year"], data["published"]) == (text, year, str(year))


def test_medline_date_naming_one_month_gives_month_precision():
    data = only(article_set(article(pub_date="<MedlineDate>1977 Apr 17-21</MedlineDate>")))
    assert (data["year"], data["published"]) == (1977, "1977-04")


@pytest.mark.parametrize("day", ["30", "5th", "9999999999", "0"])
def test_impossible_day_falls_back_to_month_precision(day):
    pub_date = f"<Year>2021</Year><Month>Feb</Month><Day>{day}</Day>"
    assert only(article_set(article(pub_date=pub_date)))["published"] == "2021-02"


def test_impossible_electronic_date_is_none():
    dates = '<ArticleDate DateType="Electronic"><Year>2021</Year><Month>02</Month><Day>9999999999</Day></ArticleDate>'
    data = only(article_set(article(article=dates)))
    assert data["epub_date"] is None


def test_electronic_date_is_the_article_date_even_months_before_the_issue():
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert (data["epub_date"], data["published"]) == ("2016-10-21", "2017-06")


def test_print_only_record_has_no_electronic_date():
    assert (
        record("season_no_abstract_two_records_pmid12091962_9997.xml", "9997")["epub_date"] is None
    )


# Identifiers


def test_doi_comes_from_the_elocation_id_in_lower_case():
    data = record(
        "structured_abstract_label_vs_nlmcategory_collective_pmid23435529.xml", "23435529"
    )
    assert data["doi"] == "10.1200/jco.2012.44.6112"


@pytest.mark.parametrize(
    "name, pmid, doi",
    [
        ("season_no_abstract_two_records_pmid12091962_9997.xml", "9997",
         "10.1016/0005-2795(76)90109-4"),
        ("retracted_and_retraction_notices_1979_pmid400712_423962_400955_400964.xml", "400712",
         "10.1210/jcem-47-1-216"),
        ("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399706", "10.1007/bf02926637"),
    ],
)  # fmt: skip
def test_doi_falls_back_to_the_article_ids_pubmed_lists_for_the_work(name, pmid, doi):
    assert record(name, pmid)["doi"] == doi


def test_record_without_any_doi_has_none():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "12091962")
    assert (data["doi"], data["pmcid"]) == (None, None)


@pytest.mark.parametrize(
    "name, pmid, doi, pmcid",
    [
        ("unassigned_nlmcategory_equalcontrib_reference_ids_pmid35573891.xml", "35573891",
         "10.1155/2021/5792975", "PMC7612722"),
        ("collective_name_mathml_references_pmid29963580.xml", "29963580",
         "10.1117/1.jmi.5.2.026002", "PMC6022861"),
        ("book_article_genereviews_pmid20301577.xml", "20301577", None, None),
        ("retraction_pair_eoc_collective_pmid33104149_34095918_34086810_32090497.xml",
         "32090497", "10.1111/iwj.13329", None),
    ],
)  # fmt: skip
def test_doi_and_pmcid_are_the_works_own_never_from_its_reference_list(name, pmid, doi, pmcid):
    data = record(name, pmid)
    assert (data["doi"], data["pmcid"]) == (doi, pmcid)


def test_reference_list_ids_are_ignored_when_the_work_has_none_of_its_own():
    references = (
        "<ReferenceList><Reference><Citation>Other work.</Citation><ArticleIdList>"
        '<ArticleId IdType="doi">10.1000/OTHER</ArticleId>'
        '<ArticleId IdType="pmc">PMC999</ArticleId>'
        "</ArticleIdList></Reference></ReferenceList>"
    )
    xml = article().replace(
        "</ArticleIdList></PubmedData>", f"</ArticleIdList>{references}</PubmedData>"
    )
    data = only(article_set(xml))
    assert (data["doi"], data["pmcid"]) == (None, None)


def test_versioned_pmid_yields_each_version_with_its_own_doi():
    found = results("versioned_pmid_v1_v2_pmid34017925.xml")
    first, second = (result.data for result in found)
    assert (first["pmid"], first["pmid_version"]) == ("34017925", 1)
    assert (second["pmid"], second["pmid_version"]) == ("34017925", 2)
    assert first["doi"] == "10.12688/wellcomeopenres.16595.1"
    assert second["doi"] == "10.12688/wellcomeopenres.16595.2"
    assert "validated" not in first["title"] and "validated" in second["title"]


def test_versioned_pmcid_loses_its_version():
    data = record("versioned_pmid_v1_v2_pmid34017925.xml", "34017925", version=2)
    assert data["pmcid"] == "PMC8095192"


# Abstracts


def test_structured_abstract_keeps_labels_and_categories_that_differ():
    data = record(
        "structured_abstract_label_vs_nlmcategory_collective_pmid23435529.xml", "23435529"
    )
    assert [(s["label"], s["category"]) for s in data["abstract_sections"]] == [
        ("PURPOSE", "OBJECTIVE"),
        ("PATIENTS AND METHODS", "METHODS"),
        ("RESULTS", "RESULTS"),
        ("CONCLUSION", "CONCLUSIONS"),
    ]
    assert data["abstract_sections"][0]["text"].startswith("To compare the efficacy")


def test_plain_abstract_joins_the_sections_with_their_labels():
    data = record(
        "structured_abstract_label_vs_nlmcategory_collective_pmid23435529.xml", "23435529"
    )
    paragraphs = data["abstract"].split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("PURPOSE: To compare the efficacy")
    assert paragraphs[1].startswith("PATIENTS AND METHODS: Patients with advanced NSCLC")
    assert data["abstract_html"].startswith("<p><b>PURPOSE:</b> To compare the efficacy")


def test_label_without_nlm_category_has_no_category():
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert [(s["label"], s["category"]) for s in data["abstract_sections"]] == [
        ("OBJECTIVE", None),
        ("DESIGN", None),
        ("RESULTS", None),
        ("CONCLUSIONS", None),
    ]


def test_unassigned_category_is_kept_as_given():
    data = record("unassigned_nlmcategory_equalcontrib_reference_ids_pmid35573891.xml", "35573891")
    assert [s["category"] for s in data["abstract_sections"]] == ["UNASSIGNED"] * 4
    assert [s["label"] for s in data["abstract_sections"]] == [
        "AIM",
        "METHODS",
        "RESULTS",
        "CONCLUSION",
    ]


def test_unstructured_abstract_is_one_section_without_label():
    data = record("erratum_in_pmid35649368.xml", "35649368")
    (section,) = data["abstract_sections"]
    assert (section["label"], section["category"]) == (None, None)
    assert section["text"] == data["abstract"]
    assert "fatty acid \u03b2-oxidation (FAO)" in data["abstract"]


def test_inline_pseudo_labels_are_not_glued_to_the_next_word():
    data = record("bold_italic_inline_labels_pmid33119379.xml", "33119379")
    assert data["abstract"].startswith("Purpose/Objective: To describe the psychometrics")
    assert " Research Method/Design: Thirty studies" in data["abstract"]
    assert data["abstract_html"].startswith(
        "<p><b><i>Purpose/Objective:</i></b> To describe the psychometrics"
    )


def test_abstract_keeps_sub_and_sup_in_html_and_escapes_the_text():
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert "p<sub>trend</sub>=0.048" in data["abstract_html"]
    assert "r<sup>2</sup>&lt;0.25" in data["abstract_html"]
    assert "ptrend=0.048" in data["abstract"]
    assert "r2<0.25" in data["abstract"]


def test_mathml_becomes_text_for_search_and_safe_math_for_display():
    data = record("collective_name_mathml_references_pmid29963580.xml", "29963580")
    assert "(1) inhaled 3He/129Xe MRI ventilation and apparent" in data["abstract"]
    assert "(3) ultrashort echo-time 1H MRI proton density" in data["abstract"]
    assert (
        "inhaled <math><mrow><mmultiscripts><mrow><mi>He</mi></mrow><mprescripts></mprescripts>"
        "<none></none><mrow><mn>3</mn></mrow></mmultiscripts><mo>/</mo>"
    ) in data["abstract_html"]
    assert "mml:" not in data["abstract_html"]
    assert "xmlns" not in data["abstract_html"]


def test_mathml_between_sub_and_sup_markup_reads_as_one_sentence():
    data = record("mathml_markup_across_quote_pmid30108519.xml", "30108519")
    assert (
        "maximal oxygen uptake ( V.O2max ) 67.6 \u00b1 4.1 ml\u00b7kg-1\u00b7min-1]"
        in data["abstract"]
    )
    assert "<mover><mrow><mi>V</mi></mrow><mo>.</mo></mover>" in data["abstract_html"]


def test_copyright_is_not_part_of_the_abstract():
    data = record("delete_citation_update_file_tail_pmid34097368.xml", "34097368")
    assert data["abstract"].endswith("NCT02383589.).")
    assert "Copyright" not in data["abstract"] and "Copyright" not in data["abstract_html"]


def test_abstract_in_another_language_is_not_mixed_into_the_abstract():
    data = record("non_english_empty_title_other_abstract_pmid34097092_34096929.xml", "34096929")
    assert data["abstract"].startswith("Current therapies for dry mouth")
    assert "De huidige" not in data["abstract"]


def test_record_without_an_abstract_has_none_and_no_sections():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "12091962")
    assert (data["abstract"], data["abstract_html"], data["abstract_sections"]) == (None, None, [])


# Publication types, MeSH, language


def test_publication_types_in_pubmeds_order():
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert data["publication_types"] == [
        "Journal Article",
        "Observational Study",
        "Research Support, N.I.H., Extramural",
        "Research Support, U.S. Gov't, Non-P.H.S.",
        "Research Support, Non-U.S. Gov't",
    ]


def test_mesh_terms_are_the_descriptor_names_without_qualifiers():
    data = record("season_no_abstract_two_records_pmid12091962_9997.xml", "9997")
    assert data["mesh_terms"][:3] == ["Binding Sites", "Chromatium", "Cytochrome c Group"]
    assert "enzymology" not in data["mesh_terms"]
    assert (
        len(
            record("season_no_abstract_two_records_pmid12091962_9997.xml", "12091962")["mesh_terms"]
        )
        == 19
    )


def test_record_not_yet_indexed_has_no_mesh_terms():
    assert (
        record("collective_name_mathml_references_pmid29963580.xml", "29963580")["mesh_terms"] == []
    )


@pytest.mark.parametrize(
    "name, pmid, language",
    [
        ("vernacular_bracketed_title_german_pmid38048813.xml", "38048813", "ger"),
        ("non_english_empty_title_other_abstract_pmid34097092_34096929.xml", "34096929", "dut"),
        ("medlinedate_year_ranges_pmid399698_399706_399974.xml", "399698", "spa"),
        ("erratum_in_pmid35649368.xml", "35649368", "eng"),
    ],
)
def test_language_is_pubmeds_three_letter_code(name, pmid, language):
    assert record(name, pmid)["language"] == language


# Retractions, errata, expressions of concern

PAIR = "retraction_pair_eoc_collective_pmid33104149_34095918_34086810_32090497.xml"
NOTICES_1979 = "retracted_and_retraction_notices_1979_pmid400712_423962_400955_400964.xml"


@pytest.mark.parametrize(
    "name, pmid, notice",
    [(PAIR, "33104149", "34095918"), (NOTICES_1979, "400712", "6106651"),
     (NOTICES_1979, "423962", "7350521")],
)  # fmt: skip
def test_retracted_publication_is_flagged_with_its_retraction_notice(name, pmid, notice):
    data = record(name, pmid)
    assert data["retracted"] is True
    assert "Retracted Publication" in data["publication_types"]
    assert data["retraction_pmids"] == [notice]


def test_retraction_notice_links_back_and_is_not_itself_retracted():
    data = record(PAIR, "34095918")
    assert data["retracted"] is False
    assert data["retraction_pmids"] == []
    assert "Retraction of Publication" in data["publication_types"]
    assert data["comments_corrections"] == [
        {
            "type": "RetractionOf",
            "pmid": "33104149",
            "source": "Chem Commun (Camb). 2020 Nov 12;56(90):14067-14070",
        }
    ]


def test_notice_retracting_four_papers_links_to_all_four():
    data = record(NOTICES_1979, "400964")
    links = [(link["type"], link["pmid"]) for link in data["comments_corrections"]]
    assert links == [
        ("RetractionOf", "166323"),
        ("RetractionOf", "178540"),
        ("RetractionOf", "183981"),
        ("RetractionOf", "785270"),
    ]
    assert data["retracted"] is False


def test_erratum_is_linked_and_does_not_retract():
    data = record("erratum_in_pmid35649368.xml", "35649368")
    assert data["erratum_pmids"] == ["35767954"]
    assert data["retracted"] is False


def test_expression_of_concern_is_linked_and_does_not_retract():
    data = record(PAIR, "32090497")
    assert data["concern_pmids"] == ["34096680"]
    assert (data["retracted"], data["retraction_pmids"], data["erratum_pmids"]) == (False, [], [])


def test_retraction_link_alone_marks_the_record_retracted():
    links = (
        '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn">'
        '<RefSource>J. 2022;1:1</RefSource><PMID Version="1">222</PMID>'
        "</CommentsCorrections></CommentsCorrectionsList>"
    )
    data = only(article_set(article(more=links)))
    assert (data["retracted"], data["retraction_pmids"]) == (True, ["222"])


def test_cited_works_of_old_dtds_are_not_comments_or_corrections():
    data = record("mathml_markup_across_quote_pmid30108519.xml", "30108519")
    assert data["comments_corrections"] == []
    data = record("structured_abstract_label_no_nlmcategory_pmid27797938.xml", "27797938")
    assert [link["type"] for link in data["comments_corrections"]] == ["CommentIn"]


# Books


def test_book_chapter_is_a_book_with_its_book_title_publisher_and_editors():
    data = record("book_article_genereviews_pmid20301577.xml", "20301577")
    assert data["kind"] == "book"
    assert data["title"] == "CACNA1C-Related Disorders"
    assert data["title_html"] == "<i>CACNA1C</i>-Related Disorders"
    assert data["book_title"] == "GeneReviews\u00ae"
    assert (data["publisher"], data["publisher_location"]) == (
        "University of Washington, Seattle",
        "Seattle (WA)",
    )
    assert data["authors"] == [
        {"family": "Napolitano", "given": "Carlo", "initials": "C"},
        {"family": "Priori", "given": "Silvia G", "initials": "SG"},
    ]
    assert [editor["family"] for editor in data["editors"]] == [
        "Adam", "Feldman", "Mirzaa", "Pagon", "Wallace", "Amemiya",
    ]  # fmt: skip
    assert (data["year"], data["published"], data["journal"]) == (1993, "1993", None)
    assert data["book_accession"] == "NBK1403"
    assert data["publication_types"] == ["Review"]
    assert [s["label"] for s in data["abstract_sections"]] == [
        "CLINICAL CHARACTERISTICS", "DIAGNOSIS/TESTING", "MANAGEMENT", "GENETIC COUNSELING",
    ]  # fmt: skip
    assert all(s["category"] is None for s in data["abstract_sections"])
    assert "Copyright" not in data["abstract"]


# DeleteCitation and E-utilities answers


def test_delete_citation_yields_a_deletion_notice_per_pmid_after_the_records():
    found = results("delete_citation_update_file_tail_pmid34097368.xml")
    assert isinstance(found[0], ParsedRecord) and found[0].pmid == "34097368"
    deleted = found[1:]
    assert all(isinstance(result, DeletedRecord) for result in deleted)
    assert len(deleted) == 20
    assert deleted[0] == DeletedRecord("31688362", 1)
    assert deleted[-1] == DeletedRecord("34096142", 1)


def test_empty_set_for_an_unavailable_pmid_yields_nothing():
    assert results("empty_set_unavailable_pmid37909814.xml") == []


def test_eutils_error_body_raises_with_every_message():
    with pytest.raises(EutilsError) as error:
        results("eutils_error_epost_multiple_errors.xml")
    assert error.value.messages == [
        "Empty ID list; Nothing to store",
        "Some IDs have invalid value and were omitted. Maximum ID value 18446744073709551615",
    ]


def test_esearch_answer_with_an_error_list_raises_eutils_error():
    with pytest.raises(EutilsError) as error:
        results("eutils_error_esearch_phrase_not_found.xml")
    assert error.value.messages == ["PhraseNotFound: abcXYZ", "OutputMessage: No items found."]


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<!DOCTYPE html><html><head><title>Down</title></head><body><br></body></html>",
         "expected <PubmedArticleSet>, found <html>"),
        (b"id: 37909814 Error occurred: The following PMID is not available: 37909814",
         "not XML"),
        (b"", "empty document"),
        (b'<?xml version="1.0"?>\n<eSummaryResult><DocSum/></eSummaryResult>',
         "expected <PubmedArticleSet>, found <eSummaryResult>"),
        (b'<?xml version="1.0" encoding="U-8"?>\n<PubmedArticleSet></PubmedArticleSet>',
         "not XML: unknown encoding: U-8"),
    ],
)  # fmt: skip
def test_document_that_is_not_a_pubmed_set_raises_before_any_record(body, message):
    with pytest.raises(PubmedXMLError, match=re.escape(message)) as error:
        read_bytes(body)
    assert not isinstance(error.value, EutilsError)


# Broken records and files


def cut_second_record(data):
    """The bytes with the second record's last half removed."""
    starts = [match.start() for match in re.finditer(rb"<PubmedArticle>", data)]
    end = data.index(b"</PubmedArticle>", starts[1])
    return data[: (starts[1] + end) // 2] + data[end + len(b"</PubmedArticle>") :]


def test_truncated_record_fails_alone_and_the_records_after_it_still_come_out():
    data = (FIXTURES / PAIR).read_bytes()
    found = read_bytes(cut_second_record(data))
    assert [type(result) for result in found] == [
        ParsedRecord, FailedRecord, ParsedRecord, ParsedRecord,
    ]  # fmt: skip
    assert found[1] == FailedRecord(
        "33104149", "PubmedArticle is cut short: no </PubmedArticle> before the next record"
    )
    assert [found[0].pmid, found[2].pmid, found[3].pmid] == ["32090497", "34086810", "34095918"]


def test_malformed_record_fails_alone_with_the_parsers_reason():
    data = (FIXTURES / NOTICES_1979).read_bytes()
    broken = data.replace(b"<ArticleTitle>Editorial announcement.</ArticleTitle>",
                          b"<ArticleTitle>Editorial announcement.</ArticleTitel>")  # fmt: skip
    found = read_bytes(broken)
    assert [result.pmid for result in found] == ["400712", "400955", "400964", "423962"]
    failed = found[1]
    assert isinstance(failed, FailedRecord)
    assert failed.reason.startswith("malformed PubmedArticle: mismatched tag")
    assert all(isinstance(result, ParsedRecord) for result in found[:1] + found[2:])


def test_file_cut_inside_its_last_record_yields_the_records_before_it_and_a_failure():
    data = (FIXTURES / NOTICES_1979).read_bytes()
    start, end = data.rindex(b"<PubmedArticle>"), data.rindex(b"</PubmedArticle>")
    found = read_bytes(data[: (start + end) // 2])
    assert [type(result) for result in found] == [
        ParsedRecord, ParsedRecord, ParsedRecord, FailedRecord,
    ]  # fmt: skip
    assert found[-1] == FailedRecord(
        "423962", "PubmedArticle is cut short: no </PubmedArticle> before the end of the file"
    )


def test_file_cut_between_two_records_says_so():
    data = (FIXTURES / NOTICES_1979).read_bytes()
    cut = data[: data.rindex(b"<PubmedArticle>")]
    found = read_bytes(cut)
    assert [result.pmid for result in found] == ["400712", "400955", "400964", None]
    assert found[-1] == FailedRecord(
        None, "the file ends before </PubmedArticleSet>: it was cut short"
    )


def test_error_between_records_is_reported_and_the_records_still_come_out():
    data = article_set(article("111"), "<ERROR>Backend failed</ERROR>", article("222"))
    found = read_bytes(data)
    assert [result.pmid for result in found] == ["111", None, "222"]
    assert found[1].reason == "unexpected content between records: <ERROR>Backend failed</ERROR>"


@pytest.mark.parametrize(
    "pmid_element, reason",
    [("", "no PMID"), ('<PMID Version="1"> </PMID>', "no PMID"),
     ('<PMID Version="1">12a</PMID>', "'12a' is not a PMID")],
)  # fmt: skip
def test_record_without_a_usable_pmid_fails_with_the_reason(pmid_element, reason):
    xml = article("111").replace('<PMID Version="1">111</PMID>', pmid_element, 1)
    found = read_bytes(article_set(xml, article("222")))
    assert found[0] == FailedRecord(None, reason)
    assert found[1].pmid == "222"


def test_record_without_an_article_fails_with_its_pmid():
    xml = re.sub(r"<Article .*</Article>", "", article("111"))
    (failed,) = read_bytes(article_set(xml))
    assert failed == FailedRecord("111", "<MedlineCitation> has no <Article>")


# Input forms and memory


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path):
    plain = results(PAIR)
    compressed = tmp_path / "pair.xml"
    compressed.write_bytes(gzip.compress((FIXTURES / PAIR).read_bytes()))
    named = tmp_path / "pair.xml.gz"
    named.write_bytes(compressed.read_bytes())
    assert list(iter_records(compressed)) == plain
    assert list(iter_records(str(named))) == plain


def test_binary_file_object_reads_like_a_path():
    with open(FIXTURES / PAIR, "rb") as stream:
        assert list(iter_records(stream)) == results(PAIR)
    assert read_bytes((FIXTURES / PAIR).read_bytes()) == results(PAIR)


def test_cut_gzip_file_yields_its_complete_records_then_the_failures(tmp_path):
    compressed = gzip.compress((FIXTURES / PAIR).read_bytes())
    cut = compressed[: len(compressed) * 3 // 4]
    # What can still be inflated from the cut file decides which records are whole.
    readable = zlib.decompressobj(wbits=31).decompress(cut)
    whole = readable.count(b"</PubmedArticle>")
    assert 1 <= whole <= 3 and readable.count(b"<PubmedArticle>") == whole + 1
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(cut)
    found = list(iter_records(path))
    pmids = ["32090497", "33104149", "34086810", "34095918"]
    assert [result.pmid for result in found[:whole]] == pmids[:whole]
    assert all(isinstance(result, ParsedRecord) for result in found[:whole])
    cut_short, unreadable = found[whole:]
    assert cut_short == FailedRecord(
        pmids[whole], "PubmedArticle is cut short: no </PubmedArticle> before the end of the file"
    )
    assert unreadable.pmid is None
    assert unreadable.reason.startswith("the file cannot be read to its end")


def write_large_file(path, copies):
    source = (FIXTURES / "season_no_abstract_two_records_pmid12091962_9997.xml").read_bytes()
    one = re.search(rb"<PubmedArticle>.*?</PubmedArticle>", source, re.S).group(0)
    path.write_bytes(
        b'<?xml version="1.0"?>\n<PubmedArticleSet>\n' + one * copies + b"</PubmedArticleSet>\n"
    )
    return path


def peak_memory_reading(path):
    tracemalloc.start()
    try:
        count = sum(isinstance(result, ParsedRecord) for result in iter_records(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_whatever_the_size_of_the_file(tmp_path):
    small = write_large_file(tmp_path / "small.xml", 250)
    large = write_large_file(tmp_path / "large.xml", 1250)
    small_count, small_peak = peak_memory_reading(small)
    large_count, large_peak = peak_memory_reading(large)
    assert (small_count, large_count) == (250, 1250)
    # Five times the records, about the same peak: a block and a record, not the file.
    assert large_peak < small_peak * 1.5
    assert large_peak < large.stat().st_size / 4
