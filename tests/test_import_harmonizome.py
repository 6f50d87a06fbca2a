import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from curation.models import Action, Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from references.models import Reference
from tests.factories import make_gene, make_reference, make_user

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
PAGE = SEEDS / "001_74481c1f577e6ab2.txt"
# The summary's footnotes in reading order: references 1, 2, 3, 5, 6, 7, 8, 9.
CITED_PMIDS = [10938111, 12515550, 8910771, 2817813, 25350395, 31630191, 17346794, 25746225]

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = io.StringIO()
    call_command("import_harmonizome", *map(str, args), stdout=out, **options)
    return out.getvalue()


def row_counts():
    models = (Gene, GeneName, Reference, Claim, Citation, ReviewEvent)
    return {model.__name__: model.objects.count() for model in models}


def page_lines():
    return PAGE.read_text(encoding="utf-8").splitlines()


def summary_tree():
    return json.loads(page_lines()[4])


def write_page(tmp_path, tree=None, lines=None):
    lines = lines or page_lines()
    if tree is not None:
        lines[4] = json.dumps(tree, ensure_ascii=False)
    path = tmp_path / "page.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_page_creates_the_gene_with_its_fields():
    run(PAGE)

    gene = Gene.objects.get(symbol="IFNA7")
    assert gene.ncbi_gene_id == 3444
    assert gene.name == "interferon, alpha 7"
    assert gene.gene_family == "Interferons (IFN)"
    assert gene.description.startswith("Predicted to enable cytokine activity")
    assert gene.description.endswith("Predicted to be active in extracellular space.")
    assert "provided by" not in gene.description
    assert gene.description_source == "Alliance of Genome Resources, Mar 2025"
    assert sorted(gene.aliases) == ["IFN-ALPHAJ", "IFNA-J"]
    assert gene.uniprot_ids == ["IFNA7_HUMAN"]


def test_each_footnoted_text_run_becomes_an_approved_claim_citing_its_reference():
    run(PAGE)

    claims = list(Claim.objects.filter(gene__symbol="IFNA7").order_by("position"))
    assert [c.status for c in claims] == [Status.APPROVED] * 8
    cited = [[c.reference.pmid for c in claim.citations.order_by("position")] for claim in claims]
    assert cited == [[pmid] for pmid in CITED_PMIDS]
    assert claims[0].text.startswith("IFNA7, a member of the type I interferon family, plays")
    assert claims[-1].text == (
        "Finally, post‐transcriptional regulatory mechanisms—including competing endogenous "
        "RNA (ceRNA) networks—involve IFN family members such as IFNA7, suggesting an "
        "additional layer of fine‐tuning in interferon expression during the innate immune "
        "response."
    )
    assert all(c.section == "summary" for c in claims)


def test_references_keep_the_metadata_the_page_gives():
    run(PAGE)

    first = Reference.objects.get(pmid=10938111)
    assert first.title.startswith("Selective DNA binding and association with the CREB")
    assert first.authors == [
        {"family": "Lin", "given": "", "initials": "R"},
        {"family": "Génin", "given": "", "initials": "P"},
        {"family": "Mamane", "given": "", "initials": "Y"},
    ]
    assert (first.journal_abbrev, first.journal, first.year) == ("Mol Cell Biol", "", 2000)
    assert first.doi == "10.1128/mcb.20.17.6342-6353.2000"
    assert first.kind == Reference.Kind.ARTICLE
    assert first.manual_metadata is True
    assert first.is_resolved

    hussain = Reference.objects.get(pmid=8910771)
    assert hussain.authors[1] == {"family": "Gill", "given": "", "initials": "DS"}
    assert hussain.journal_abbrev == "J Interferon Cytokine Res"
    assert hussain.doi == "10.1089/jir.1996.16.853"

    lu = Reference.objects.get(pmid=25350395)
    assert lu.authors[0] == {"family": "Lu", "given": "Shun", "initials": "S"}
    assert (lu.journal_abbrev, lu.year) == ("PLoS One", 2014)

    platsoucas = Reference.objects.get(pmid=2817813)
    assert platsoucas.doi is None
    assert platsoucas.year == 1989

    last = Reference.objects.get(pmid=25746225)
    assert last.title == (
        "Interferon-alpha competing endogenous RNA network antagonizes microRNA-1270."
    )
    assert last.doi == "10.1007/s00018-015-1875-5"
    assert (last.journal_abbrev, last.year) == ("Cell Mol Life Sci", 2015)
    assert sorted(Reference.objects.values_list("pmid", flat=True)) == sorted(CITED_PMIDS)


def test_reference_cited_by_no_text_run_is_reported_and_not_imported():
    out = run(PAGE)

    assert not Reference.objects.filter(pmid=2995168).exists()
    assert "reference [4] (PMID 2995168) is cited by no text run: not imported" in out


def test_text_run_without_footnote_is_reported_as_skipped():
    out = run(PAGE)

    assert "root.children[2].children[0]: text with no footnote after it is not a claim" in out
    assert '"Collectively, these findings illustrate that IFNA7' in out
    assert not Claim.objects.filter(text__startswith="Collectively").exists()


def test_summary_counts_what_was_created():
    out = run(PAGE)

    assert "for IFNA7 (gene created" in out
    assert "claims: 8 created, 0 already present" in out
    assert "references: 8 created, 0 reused" in out


def test_each_claim_has_one_import_event_naming_the_file():
    run(PAGE)

    for claim in Claim.objects.all():
        (event,) = claim.events.all()
        assert event.action == Action.IMPORT
        assert event.to_status == Status.APPROVED
        assert event.actor is None
        assert event.comment.startswith(f"Imported from {PAGE.name} (Harmonizome page), footnote [")
        assert event.snapshot["text"] == claim.text


def test_claims_mention_other_known_genes_named_in_their_text():
    irf7 = make_gene("IRF7", ncbi_gene_id=3665)
    make_gene("IRF7A")  # not a whole-word match of anything in the text

    run(PAGE)

    first, second, *_ = Claim.objects.filter(gene__symbol="IFNA7").order_by("position")
    assert list(first.mentioned_genes.all()) == [irf7]
    assert list(second.mentioned_genes.all()) == []


def test_claims_are_written_by_an_importer_user_that_cannot_log_in():
    run(PAGE)

    importer = User.objects.get(username="importer")
    assert not importer.is_active
    assert not importer.has_usable_password()
    assert set(Claim.objects.values_list("author", flat=True)) == {importer.pk}


def test_author_option_names_the_claims_author():
    curator = make_user("carla", "curators")

    run(PAGE, author="carla")

    assert set(Claim.objects.values_list("author", flat=True)) == {curator.pk}
    assert not User.objects.filter(username="importer").exists()


def test_unknown_author_is_refused():
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run(PAGE, author="nobody")
    assert Claim.objects.count() == 0


def test_json_only_file_imports_the_claims_of_the_gene_named_with_gene_option(tmp_path):
    gene = make_gene("IFNA7", ncbi_gene_id=3444, name="stored name")
    path = tmp_path / "summary.json"
    path.write_text(page_lines()[4], encoding="utf-8")

    out = run(path, gene="IFNA7")

    assert gene.claims.count() == 8
    gene.refresh_from_db()
    assert gene.name == "stored name"
    assert "(Harmonizome summary JSON)" in gene.claims.first().events.get().comment
    assert "reference [4] (PMID 2995168) is cited by no text run" in out


def test_json_only_file_without_gene_option_is_refused(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text(page_lines()[4], encoding="utf-8")

    with pytest.raises(CommandError, match="names no gene"):
        run(path)
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_json_only_file_for_a_gene_not_in_the_database_is_refused(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text(page_lines()[4], encoding="utf-8")

    with pytest.raises(CommandError, match="no gene IFNA7 in the database"):
        run(path, gene="IFNA7")
    assert Claim.objects.count() == 0


def test_page_that_names_no_symbol_needs_the_gene_option(tmp_path):
    lines = [line for line in page_lines() if "functional associations" not in line]
    path = write_page(tmp_path, lines=lines)

    with pytest.raises(CommandError, match="names no gene"):
        run(path)
    run(path, gene="IFNA7")
    assert Gene.objects.get(ncbi_gene_id=3444).symbol == "IFNA7"


def test_page_for_a_gene_id_stored_under_another_symbol_is_refused():
    make_gene("IFNA8", ncbi_gene_id=3444)
    before = row_counts()

    with pytest.raises(CommandError, match="NCBI Gene 3444"):
        run(PAGE)
    assert row_counts() == before


def test_importing_twice_creates_no_new_rows():
    make_gene("IRF7", ncbi_gene_id=3665)
    run(PAGE)
    before = row_counts()
    updated_at = Gene.objects.get(symbol="IFNA7").updated_at

    out = run(PAGE)

    assert row_counts() == before
    assert Gene.objects.get(symbol="IFNA7").updated_at == updated_at
    assert "(gene unchanged)" in out
    assert "claims: 0 created, 8 already present" in out
    assert "references: 0 created, 8 reused (0 of them updated)" in out


def test_existing_reference_is_reused_and_only_gains_what_it_lacked():
    stored = make_reference(pmid=10938111, title="Stored title", journal_abbrev="")

    out = run(PAGE)

    stored.refresh_from_db()
    assert stored.title == "Stored title"
    assert stored.journal_abbrev == "Mol Cell Biol"
    assert stored.doi == "10.1128/mcb.20.17.6342-6353.2000"
    assert Reference.objects.count() == 8
    assert "references: 7 created, 1 reused (1 of them updated)" in out


def test_verbosity_zero_prints_the_counts_without_the_skipped_items():
    out = run(PAGE, verbosity=0)

    assert "claims: 8 created" in out
    assert "not imported" not in out


def _truncated(tmp_path):
    lines = page_lines()
    return write_page(tmp_path, lines=[*lines[:4], lines[4][:5000]]), "line 5, column"


def _missing_reference(tmp_path):
    tree = summary_tree()
    tree["children"][0]["children"][15]["children"][0]["ref"] = "10"
    return write_page(tmp_path, tree), (
        "root.children[0].children[15].children[0]: footnote points at reference [10]"
    )


def _unknown_node(tmp_path):
    tree = summary_tree()
    tree["children"][0]["children"][3]["type"] = "figure"
    return write_page(tmp_path, tree), "root.children[0].children[3]: unknown node type 'figure'"


def _non_numeric_pmid(tmp_path):
    tree = summary_tree()
    link = tree["children"][3]["children"][8]["children"][7]
    link["children"][0]["text"] = "2574622S"
    return write_page(tmp_path, tree), "root.children[3].children[8].children[7]: '2574622S'"


def _non_numeric_gene_id(tmp_path):
    lines = page_lines()
    lines[8] = "| NCBI Gene ID | 34x4 |"
    return write_page(tmp_path, lines=lines), "line 9: the NCBI Gene ID '34x4' is not a number"


def _no_summary(tmp_path):
    lines = page_lines()
    lines = lines[:3] + lines[6:]
    return write_page(tmp_path, lines=lines), "reached the end of the file without a | Summary |"


def _empty_summary(tmp_path):
    return write_page(tmp_path, lines=page_lines()[:4]), "line 4: the | Summary | row has no JSON"


@pytest.mark.parametrize(
    "broken",
    [
        _truncated,
        _missing_reference,
        _unknown_node,
        _non_numeric_pmid,
        _non_numeric_gene_id,
        _no_summary,
        _empty_summary,
    ],
)
def test_broken_page_is_refused_naming_the_place_and_imports_nothing(tmp_path, broken):
    make_gene("IRF7", ncbi_gene_id=3665)
    stored = make_reference(pmid=10938111, title="Stored title", journal_abbrev="")
    path, where = broken(tmp_path)
    before = row_counts()

    with pytest.raises(CommandError) as error:
        run(path)

    assert where in str(error.value)
    assert str(error.value).startswith("page.txt: ")
    assert str(error.value).endswith("Nothing was imported.")
    assert row_counts() == before
    stored.refresh_from_db()
    assert (stored.title, stored.journal_abbrev, stored.doi) == ("Stored title", "", None)


def test_failure_late_in_the_import_rolls_back_everything_before_it():
    # The last claim's reference is stored twice: once by PMID, once by DOI.
    make_reference(pmid=25746225)
    make_reference(doi="10.1007/s00018-015-1875-5")
    before = row_counts()

    with pytest.raises(CommandError, match="matches several stored references"):
        run(PAGE)

    assert row_counts() == before
    assert not Gene.objects.filter(symbol="IFNA7").exists()
