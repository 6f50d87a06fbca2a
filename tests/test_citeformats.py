"""BibTeX, RIS and CSL-JSON for a reference: every field in place, special characters escaped."""

import json

import pytest

from references import citeformats
from references.models import Reference


@pytest.fixture
def paper():
    # Not saved: the formats read only the object's fields.
    return Reference(
        pk=12,
        kind="article",
        pmid=15800576,
        doi="10.1038/nature03464",
        pmcid="PMC1234567",
        title="IRF-7 & 100% {braces} $x_1$ #1 ~ ^ \\ in Ménière's\ndisease",
        authors=[
            {"family": "Honda", "given": "Kenya", "initials": "K"},
            {"family": "Müller", "given": "Anna", "initials": "A"},
            {"collective": "IRF Study Group and Partners"},
        ],
        journal="Nature",
        journal_abbrev="Nature",
        volume="434",
        issue="7034",
        pages="772-777",
        year=2005,
        published="2005-04-07",
        abstract="First line.\nSecond line.",
        language="eng",
    )


def test_bibtex_has_every_field_and_escapes_special_characters(paper):
    text = citeformats.bibtex(paper)

    assert text.startswith("@article{Honda2005_15800576,\n")
    assert text.endswith("\n}\n")
    assert (
        "  author = {Honda, Kenya and Müller, Anna and {IRF Study Group and Partners}},\n" in text
    )
    assert (
        "  title = {IRF-7 \\& 100\\% \\{braces\\} \\$x\\_1\\$ \\#1 \\textasciitilde{} "
        "\\textasciicircum{} \\textbackslash{} in Ménière's disease},\n"
    ) in text
    for line in (
        "  journal = {Nature},",
        "  year = {2005},",
        "  month = {4},",
        "  volume = {434},",
        "  number = {7034},",
        "  pages = {772--777},",
        "  doi = {10.1038/nature03464},",
        "  pmid = {15800576},",
        "  pmcid = {PMC1234567},",
    ):
        assert line in text.splitlines()
    # Braces balance, so no value runs into the next.
    assert text.replace("\\{", "").count("{") == text.replace("\\}", "").count("}")


def test_bibtex_of_a_web_entry_is_misc_with_its_url_and_no_empty_fields():
    entry = Reference(pk=3, kind="web", url="https://example.org/a_b?q={x}", title="A page")

    text = citeformats.bibtex(entry)

    assert text == "@misc{ref_id3,\n  title = {A page},\n  url = {https://example.org/a_b?q=x}\n}\n"


def test_ris_has_one_tag_per_line_with_authors_in_order(paper):
    text = citeformats.ris(paper)

    lines = text.split("\r\n")
    assert lines[0] == "TY  - JOUR"
    assert lines[1:4] == [
        "AU  - Honda, Kenya",
        "AU  - Müller, Anna",
        "AU  - IRF Study Group and Partners",
    ]
    for line in (
        "TI  - IRF-7 & 100% {braces} $x_1$ #1 ~ ^ \\ in Ménière's disease",
        "T2  - Nature",
        "VL  - 434",
        "IS  - 7034",
        "SP  - 772",
        "EP  - 777",
        "PY  - 2005",
        "DA  - 2005/04/07/",
        "DO  - 10.1038/nature03464",
        "AN  - PMID:15800576",
        "C2  - PMC1234567",
        "AB  - First line. Second line.",
    ):
        assert line in lines
    assert lines[-2:] == ["ER  - ", ""]


def test_csl_json_is_a_list_of_one_item_with_personal_and_literal_authors(paper):
    (item,) = json.loads(citeformats.csl_json(paper))

    assert item["id"] == "pmid:15800576"
    assert item["type"] == "article-journal"
    assert item["author"] == [
        {"family": "Honda", "given": "Kenya"},
        {"family": "Müller", "given": "Anna"},
        {"literal": "IRF Study Group and Partners"},
    ]
    assert item["issued"] == {"date-parts": [[2005, 4, 7]]}
    assert (item["DOI"], item["PMID"], item["PMCID"]) == (
        "10.1038/nature03464",
        "15800576",
        "PMC1234567",
    )
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (
        "Nature",
        "434",
        "7034",
        "772-777",
    )
    assert item["title"] == paper.title


def test_csl_json_keeps_a_medline_date_as_literal_and_leaves_out_what_is_absent():
    entry = Reference(pk=5, kind="article", title="Old paper", medline_date="1998 Nov-Dec")

    (item,) = json.loads(citeformats.csl_json(entry))

    assert item == {
        "id": "ref:5",
        "type": "article-journal",
        "title": "Old paper",
        "issued": {"literal": "1998 Nov-Dec"},
    }
