import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from curation.models import Citation, Claim, ReviewEvent
from genes.models import Gene, GeneName
from references.models import Reference
from tests.factories import make_reference

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
PAGE = SEEDS / "002_eea62aa3baafd0dc.txt"
ARTICLE = SEEDS / "000_fcece885daad7ccc.txt"
TITLE = (
    "Silencing of Irf7 pathways in breast cancer cells promotes bone metastasis "
    "through immune escape"
)

pytestmark = pytest.mark.django_db


def run(path, **options):
    out = io.StringIO()
    call_command("import_pubmed_page", str(path), stdout=out, **options)
    return out.getvalue()


def import_article():
    call_command("import_wikipedia", str(ARTICLE), gene="IRF7", stdout=io.StringIO())


def row_counts():
    models = (Gene, GeneName, Reference, Claim, Citation, ReviewEvent)
    return {model.__name__: model.objects.count() for model in models}


def write_page(tmp_path, lines):
    path = tmp_path / "pubmed.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_page_becomes_one_reference_with_its_metadata():
    run(PAGE)

    reference = Reference.objects.get()
    assert reference.title == TITLE
    assert reference.authors == [{"family": "Bidwell", "given": "Bradley N", "initials": "BN"}]
    assert (reference.journal_abbrev, reference.journal) == ("Nat Med", "")
    assert (reference.published, reference.year) == ("2012-08", 2012)
    assert (reference.volume, reference.issue, reference.pages) == ("18", "8", "1224-31")
    assert reference.doi == "10.1038/nm.2830"
    assert reference.epub_date == date(2012, 7, 22)
    assert reference.abstract.startswith("Breast cancer metastasis is a key determinant")
    assert reference.abstract.endswith("restricts immunosurveillance to enable metastasis.")
    assert (reference.publication_types, reference.mesh_terms) == ([], [])
    assert reference.kind == Reference.Kind.ARTICLE
    assert reference.manual_metadata is True
    assert Claim.objects.count() == 0
    assert not User.objects.filter(username="importer").exists()


def test_page_that_shows_no_pmid_gives_a_reference_without_one():
    run(PAGE)

    reference = Reference.objects.get()
    assert reference.pmid is None
    assert reference.pmcid is None


def test_summary_reports_the_reference_and_the_pages_own_reference_list():
    out = run(PAGE)

    assert "references: 1 created, 0 reused" in out
    assert "the page's own reference list (5 works the article cites) is not imported" in out
    assert "claims:" not in out


def test_importing_twice_creates_no_new_rows():
    run(PAGE)
    before = row_counts()
    updated_at = Reference.objects.get().updated_at

    out = run(PAGE)

    assert row_counts() == before
    assert Reference.objects.get().updated_at == updated_at
    assert "references: 0 created, 1 reused (0 of them updated)" in out


def test_matching_reference_only_gains_the_fields_it_lacked():
    stored = make_reference(doi="10.1038/NM.2830", title="Stored title", volume="99")

    out = run(PAGE)

    stored.refresh_from_db()
    assert (stored.title, stored.volume) == ("Stored title", "99")
    assert (stored.issue, stored.pages, stored.journal_abbrev) == ("8", "1224-31", "Nat Med")
    assert stored.abstract.startswith("Breast cancer metastasis")
    assert Reference.objects.count() == 1
    assert "references: 0 created, 1 reused (1 of them updated)" in out


@pytest.mark.parametrize("order", ["article first", "page first"])
def test_paper_cited_by_the_article_and_shown_on_the_page_is_one_reference(gene, order):
    if order == "article first":
        import_article()
        run(PAGE)
    else:
        run(PAGE)
        import_article()

    (bidwell,) = Reference.objects.filter(title__istartswith="Silencing of Irf7")
    assert bidwell.doi == "10.1038/nm.2830"
    assert bidwell.abstract.startswith("Breast cancer metastasis")
    assert (bidwell.journal, bidwell.journal_abbrev, bidwell.year) == (
        "Nature Medicine",
        "Nat Med",
        2012,
    )
    claim = Claim.objects.get(gene=gene, text__startswith="The IRF7 pathway was shown")
    assert [c.reference for c in claim.citations.all()] == [bidwell]
    assert Reference.objects.count() == 6


def test_a_title_match_with_another_doi_is_a_different_paper():
    other = make_reference(doi="10.1000/other", title=TITLE, year=2012)

    run(PAGE)

    assert Reference.objects.count() == 2
    other.refresh_from_db()
    assert other.doi == "10.1000/other"


def test_page_without_a_title_is_refused_and_imports_nothing(tmp_path):
    stored = make_reference(pmid=1, title="Stored title")
    lines = [line for line in PAGE.read_text(encoding="utf-8").splitlines() if line != TITLE]
    before = row_counts()

    with pytest.raises(CommandError) as error:
        run(write_page(tmp_path, lines))

    assert (
        "pubmed.txt: line 21: expected the article's title after the citation line, "
        "found 'Affiliations'"
    ) in str(error.value)
    assert row_counts() == before
    stored.refresh_from_db()
    assert stored.title == "Stored title"


def test_page_without_a_citation_line_is_refused(tmp_path):
    lines = [
        line
        for line in PAGE.read_text(encoding="utf-8").splitlines()
        if not line.startswith(". 2012")
    ]

    with pytest.raises(CommandError, match="without a citation line"):
        run(write_page(tmp_path, lines))
    assert Reference.objects.count() == 0


def test_page_with_a_malformed_doi_is_refused_naming_its_line(tmp_path):
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    at = lines.index("doi: 10.1038/nm.2830. Epub 2012 Jul 22.")
    lines[at] = "doi: 11.1038/nm.2830. Epub 2012 Jul 22."

    with pytest.raises(CommandError, match=f"line {at + 1}: '11.1038/nm.2830' is not a DOI"):
        run(write_page(tmp_path, lines))
    assert Reference.objects.count() == 0
