"""references.display: the seeds' citation form, as HTML and as text."""

import pytest

from references import display
from references.models import Reference


def ref(**fields):
    fields.setdefault("title", "A title.")
    return Reference(**fields)


def test_first_six_authors_then_et_al():
    authors = [{"family": f"Name{i}", "initials": "AB"} for i in range(7)]

    assert display.authors_text(authors[:6]) == (
        "Name0 AB, Name1 AB, Name2 AB, Name3 AB, Name4 AB, Name5 AB"
    )
    assert display.authors_text(authors).endswith("Name5 AB, et al.")


def test_author_names_use_initials_from_given_names_and_keep_collective_names():
    assert display.author_name({"family": "Tan", "given": "Xue-Mei"}) == "Tan XM"
    assert display.author_name({"collective": "IRF7 Consortium"}) == "IRF7 Consortium"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"published": "1998-11-05"}, "5 November 1998"),
        ({"published": "1998-11"}, "November 1998"),
        ({"published": "1998"}, "1998"),
        ({"medline_date": "1998 Nov-Dec"}, "1998 Nov-Dec"),
        ({"year": 1985}, "1985"),
        ({}, ""),
    ],
)
def test_date_is_as_precise_as_the_record(fields, expected):
    assert display.date_text(ref(**fields)) == expected


def test_journal_volume_issue_and_pages_with_an_en_dash():
    reference = ref(journal="Virology", volume="280", issue="2", pages="273-82")

    assert display.source_text(reference) == "Virology. 280 (2): 273–82"
    assert display.source_text(ref(journal_abbrev="Mol Cell Biol")) == "Mol Cell Biol"


def test_citation_text_reads_like_the_wikipedia_reference_list():
    reference = ref(
        title="Analysis of functional domains of interferon regulatory factor 7.",
        authors=[{"family": "Au", "initials": "WC"}, {"family": "Yeow", "initials": "WS"}],
        published="2001-02",
        journal="Virology",
        volume="280",
        issue="2",
        pages="273-82",
        doi="10.1006/viro.2000.0782",
        pmcid="PMC1171011",
        pmid=11162841,
    )

    assert display.citation_text(reference) == (
        'Au WC, Yeow WS (February 2001). "Analysis of functional domains of interferon '
        'regulatory factor 7". Virology. 280 (2): 273–82. doi:10.1006/viro.2000.0782. '
        "PMC 1171011. PMID 11162841."
    )


def test_citation_html_links_identifiers_and_the_title():
    reference = ref(title="T", doi="10.1/x", pmid=5, journal="J", volume="1")

    html = display.citation_html(reference, "/references/9/")

    assert html == (
        '&quot;<a href="/references/9/">T</a>&quot;. <i>J</i>. <b>1</b>. '
        'doi:<a href="https://doi.org/10.1/x">10.1/x</a>. '
        'PMID <a href="https://pubmed.ncbi.nlm.nih.gov/5/">5</a>.'
    )


def test_database_entry_links_to_its_address_only_when_it_is_http():
    good = ref(title="Entrez Gene: IRF7", url="https://www.ncbi.nlm.nih.gov/gene/3665")
    bad = ref(title="Entrez Gene: IRF7", url="javascript:alert(1)")

    assert '<a href="https://www.ncbi.nlm.nih.gov/gene/3665" rel="nofollow">' in str(
        display.citation_html(good)
    )
    assert "javascript" not in display.citation_html(bad)
    assert display.safe_url(" JavaScript:alert(1)") == ""
    assert display.safe_url("http://example.org/a") == "http://example.org/a"


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("Role of <i>IRF7</i> in H<sub>2</sub>O", "Role of <i>IRF7</i> in H<sub>2</sub>O"),
        ("A &amp; B &lt;c&gt;", "A &amp; B &lt;c&gt;"),
        ('<i class="x" onclick="y">a</i>', "<i>a</i>"),
        ("<script>alert(1)</script>ok", "ok"),
        ('<a href="javascript:x">link</a> text', "link text"),
        ("<b>unclosed", "<b>unclosed</b>"),
        (
            "<math><msup><mi>x</mi><mn>2</mn></msup></math>",
            "<math><msup><mi>x</mi><mn>2</mn></msup></math>",
        ),
    ],
)
def test_title_markup_keeps_only_inline_tags_without_attributes(markup, expected):
    assert display.clean_inline_html(markup) == expected
