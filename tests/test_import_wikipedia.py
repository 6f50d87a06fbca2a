import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from curation.models import Action, Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from references.models import Reference
from tests.factories import make_gene, make_reference

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
ARTICLE = SEEDS / "000_fcece885daad7ccc.txt"
# The PMIDs of references [1]..[6]; [2] is a database entry and [3] is cited without one.
PMIDS = [9822609, None, None, 25814066, 11162841, 25911105]


def run(*args, **options):
    out = io.StringIO()
    call_command("import_wikipedia", *map(str, args), stdout=out, **options)
    return out.getvalue()


def row_counts():
    models = (Gene, GeneName, Reference, Claim, Citation, ReviewEvent)
    return {model.__name__: model.objects.count() for model in models}


def write_article(tmp_path, replace, by):
    text = ARTICLE.read_text(encoding="utf-8")
    assert replace in text
    path = tmp_path / "article.txt"
    path.write_text(text.replace(replace, by), encoding="utf-8")
    return path


def irf7_claims(gene):
    return list(Claim.objects.filter(gene=gene).order_by("position"))


def test_each_span_ending_in_a_footnote_becomes_an_approved_claim(gene):
    run(ARTICLE, gene="IRF7")

    claims = irf7_claims(gene)
    assert [c.status for c in claims] == [Status.APPROVED] * 6
    assert claims[0].text == (
        "IRF7 encodes interferon regulatory factor 7, a member of the interferon regulatory "
        "transcription factor (IRF) family. IRF7 has been shown to play a role in the "
        "transcriptional activation of virus-inducible cellular genes, including the type I "
        "interferon genes. In particular, IRF7 regulates many interferon-alpha genes."
    )
    assert claims[2].text == (
        "The IRF7 pathway was shown to be silenced in some metastatic breast cancer cell "
        "lines, which may help the cells avoid the host immune response."
    )
    assert claims[4].text == "IRF7 has been shown to interact with IRF3."
    assert claims[5].text.startswith("Also, IRF7 has been shown to interact with Aryl")
    assert all(c.section == "summary" for c in claims)


def test_claims_cite_the_numbered_references_in_order(gene):
    run(ARTICLE, gene="IRF7")

    cited = [[c.reference.pmid for c in claim.citations.all()] for claim in irf7_claims(gene)]
    assert cited == [[pmid] for pmid in PMIDS]
    assert irf7_claims(gene)[2].citations.get().reference.title.startswith("Silencing of Irf7")
    assert Reference.objects.count() == 6


def test_each_claim_has_one_import_event_naming_the_file_and_footnote(gene):
    run(ARTICLE, gene="IRF7")

    event = irf7_claims(gene)[4].events.get()
    assert event.action == Action.IMPORT
    assert event.comment == (
        f"Imported from {ARTICLE.name} (Wikipedia article), footnote [5], line 25."
    )


def test_adjacent_markers_make_one_claim_citing_both_references(gene, tmp_path):
    path = write_article(tmp_path, "interferon-alpha genes.[1]", "interferon-alpha genes.[1][5]")

    run(path, gene="IRF7")

    first, second, *_ = irf7_claims(gene)
    assert first.text.endswith("In particular, IRF7 regulates many interferon-alpha genes.")
    assert [c.reference.pmid for c in first.citations.all()] == [9822609, 11162841]
    assert second.text.startswith("Constitutive expression of IRF7")
    assert "footnotes [1][5], line 18." in first.events.get().comment
    assert Reference.objects.count() == 6


def test_reference_list_is_parsed_into_citation_fields(gene):
    run(ARTICLE, gene="IRF7")

    marie = Reference.objects.get(pmid=9822609)
    assert marie.authors == [
        {"family": "Marié", "given": "", "initials": "I"},
        {"family": "Durbin", "given": "", "initials": "JE"},
        {"family": "Levy", "given": "", "initials": "DE"},
    ]
    assert marie.title == (
        "Differential viral induction of distinct interferon-alpha genes by positive "
        "feedback through interferon regulatory factor-7"
    )
    assert (marie.published, marie.year) == ("1998-11", 1998)
    assert (marie.journal, marie.volume, marie.issue, marie.pages) == (
        "The EMBO Journal",
        "17",
        "22",
        "6660-9",
    )
    assert (marie.doi, marie.pmcid) == ("10.1093/emboj/17.22.6660", "PMC1171011")
    assert marie.manual_metadata is True

    ciancanelli = Reference.objects.get(pmid=25814066)
    assert len(ciancanelli.authors) == 32
    assert ciancanelli.authors[0] == {"family": "Ciancanelli", "given": "", "initials": "MJ"}
    assert ciancanelli.authors[26] == {"family": "García-Sastre", "given": "", "initials": "A"}
    assert ciancanelli.authors[-1] == {"family": "Casanova", "given": "", "initials": "JL"}
    assert (ciancanelli.published, ciancanelli.pages) == ("2015-04", "448-53")
    assert ciancanelli.title.startswith("Infectious disease. Life-threatening influenza")

    au = Reference.objects.get(pmid=11162841)
    assert au.pmcid is None
    assert au.doi == "10.1006/viro.2000.0782"


def test_entrez_gene_entry_is_a_database_reference_linking_to_the_gene(gene):
    run(ARTICLE, gene="IRF7")

    entry = Reference.objects.get(kind=Reference.Kind.DATABASE)
    assert entry.title == "Entrez Gene: IRF7 interferon regulatory factor 7"
    assert entry.url == gene.ncbi_url == "https://www.ncbi.nlm.nih.gov/gene/3665"
    assert (entry.pmid, entry.doi) == (None, None)


def test_reference_without_identifier_keeps_what_the_list_gives(gene):
    run(ARTICLE, gene="IRF7")

    bidwell = Reference.objects.get(title__startswith="Silencing of Irf7")
    assert bidwell.authors == [{"family": "Bidwell", "given": "", "initials": ""}]
    assert (bidwell.year, bidwell.published, bidwell.journal) == (2012, "2012", "Nature Medicine")
    assert (bidwell.pmid, bidwell.doi, bidwell.pmcid, bidwell.url) == (None, None, None, "")


def test_uncited_sentences_and_page_furniture_are_reported_as_skipped(gene):
    out = run(ARTICLE, gene="IRF7")

    assert (
        'line 15: uncited: the paragraph has no footnote: "Interferon regulatory factor 7, '
        "also known as IRF7, is a member of the interferon regulatory factor family of "
        'transcription factors."'
    ) in out
    assert (
        "line 20: uncited: after the paragraph's last footnote: \"Restoring IRF7 to these "
        'cell lines reduced metastases and increased host survival time in animal models."'
    ) in out
    assert 'line 1: page furniture, not prose: "Jump to navigation Jump to search' in out
    assert 'page furniture, not prose: "External links"' in out
    assert 'page furniture, not prose: "This article incorporates text' in out
    assert not Claim.objects.filter(text__contains="GeneCards").exists()
    assert not Claim.objects.filter(text__startswith="Restoring").exists()


def test_section_option_files_the_claims_under_that_section(gene):
    run(ARTICLE, gene="IRF7", section="function")

    assert set(Claim.objects.values_list("section", flat=True)) == {"function"}


def test_claims_mention_other_known_genes_named_in_their_text(gene):
    irf3 = make_gene("IRF3", ncbi_gene_id=3661)

    run(ARTICLE, gene="IRF7")

    claims = irf7_claims(gene)
    assert list(claims[4].mentioned_genes.all()) == [irf3]
    assert list(claims[0].mentioned_genes.all()) == []


def test_gene_option_may_be_an_alias_of_a_known_gene(gene):
    gene.add_name("IRF-7", GeneName.Kind.ALIAS)

    run(ARTICLE, gene="irf-7")

    assert gene.claims.count() == 6


def test_gene_not_in_the_database_is_refused(db):
    with pytest.raises(CommandError, match="no gene IRF7 in the database"):
        run(ARTICLE, gene="IRF7")
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_importing_twice_creates_no_new_rows(gene):
    run(ARTICLE, gene="IRF7")
    before = row_counts()

    out = run(ARTICLE, gene="IRF7")

    assert row_counts() == before
    assert "claims: 0 created, 6 already present" in out
    assert "references: 0 created, 6 reused (0 of them updated)" in out


def test_existing_reference_is_reused_and_only_gains_what_it_lacked(gene):
    stored = make_reference(pmid=9822609, title="Stored title", journal="")

    run(ARTICLE, gene="IRF7")

    stored.refresh_from_db()
    assert stored.title == "Stored title"
    assert stored.journal == "The EMBO Journal"
    assert stored.pmcid == "PMC1171011"
    assert Claim.objects.get(text__startswith="IRF7 encodes").citations.get().reference == stored


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        (
            "antiviral pathway.[6]",
            "antiviral pathway.[9]",
            "line 25: footnote [9] points at no entry of the reference list",
        ),
        (
            'Pitha PM (February 2001). "Analysis of functional domains',
            "Pitha PM (February 2001). Analysis of functional domains",
            "line 34: reference 5 cannot be parsed: it has no quoted title",
        ),
        (
            'Au WC, Yeow WS, Pitha PM (February 2001). "Analysis',
            'Au WC, Yeow WS, Pitha PM (February 2001. "Analysis',
            "line 34: reference 5 cannot be parsed: expected 'Authors (date).'",
        ),
        ("11162841.", "1116284l.", "line 34: reference 5: '1116284l' is not a PMID"),
        (
            "  6. Zhou Q",
            "  5. Zhou Q",
            "line 35: reference 5 is listed twice",
        ),
    ],
)
def test_broken_article_is_refused_naming_the_line_and_imports_nothing(
    gene, tmp_path, replace, by, message
):
    stored = make_reference(pmid=9822609, title="Stored title", journal="")
    path = write_article(tmp_path, replace, by)
    before = row_counts()

    with pytest.raises(CommandError) as error:
        run(path, gene="IRF7")

    assert message in str(error.value)
    assert row_counts() == before
    stored.refresh_from_db()
    assert (stored.title, stored.journal, stored.pmcid) == ("Stored title", "", None)
