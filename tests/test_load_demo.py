import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from curation.models import Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from references.models import Reference

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"

pytestmark = pytest.mark.django_db


def load_demo(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def row_counts():
    models = (Gene, GeneName, Reference, Claim, Citation, ReviewEvent)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_has_irf7_with_the_identifiers_from_the_brief():
    load_demo()

    irf7 = Gene.objects.get(symbol="IRF7")
    assert irf7.ncbi_gene_id == 3665
    assert irf7.hgnc_id == "HGNC:6122"
    assert irf7.location == "11p15.5"
    assert irf7.name == "interferon regulatory factor 7"
    assert irf7.gene_type == "protein-coding"


def test_demo_has_ifna7_with_only_what_its_page_gives():
    load_demo()

    ifna7 = Gene.objects.get(symbol="IFNA7")
    assert ifna7.ncbi_gene_id == 3444
    assert ifna7.name == "interferon, alpha 7"
    assert (ifna7.hgnc_id, ifna7.location) == ("", "")


def test_irf7_has_six_approved_claims_citing_six_references_one_a_database_entry():
    load_demo()

    claims = Claim.objects.filter(gene__symbol="IRF7")
    assert list(claims.values_list("status", flat=True)) == [Status.APPROVED] * 6
    cited = Reference.objects.filter(citations__claim__in=claims).distinct()
    assert cited.count() == 6
    assert cited.filter(kind=Reference.Kind.DATABASE).count() == 1


def test_ifna7_has_eight_approved_claims_and_the_first_mentions_irf7():
    load_demo()

    claims = Claim.objects.filter(gene__symbol="IFNA7", status=Status.APPROVED)
    assert claims.count() == 8
    first = claims.order_by("position").first()
    assert [g.symbol for g in first.mentioned_genes.all()] == ["IRF7"]


def test_bidwell_paper_is_one_reference_described_by_its_pubmed_page():
    load_demo()

    (bidwell,) = Reference.objects.filter(title__startswith="Silencing of Irf7")
    assert bidwell.doi == "10.1038/nm.2830"
    assert bidwell.abstract.startswith("Breast cancer metastasis is a key determinant")
    assert (bidwell.published, bidwell.epub_date.isoformat()) == ("2012-08", "2012-07-22")
    assert (bidwell.volume, bidwell.issue, bidwell.pages) == ("18", "8", "1224-31")
    assert bidwell.pmid is None  # the seed gives none, so none is invented
    assert bidwell.citations.get().claim.gene.symbol == "IRF7"
    assert Reference.objects.count() == 14


def test_summary_names_each_seed_file():
    out = load_demo()

    assert "IRF7: created" in out
    assert "000_fcece885daad7ccc.txt: claims 6 created" in out
    assert "001_74481c1f577e6ab2.txt: claims 8 created" in out
    assert "002_eea62aa3baafd0dc.txt: claims 0 created" in out


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    before = row_counts()
    stamps = {g.symbol: g.updated_at for g in Gene.objects.all()}
    events = set(ReviewEvent.objects.values_list("pk", flat=True))

    out = load_demo()

    assert row_counts() == before
    assert {g.symbol: g.updated_at for g in Gene.objects.all()} == stamps
    assert set(ReviewEvent.objects.values_list("pk", flat=True)) == events
    assert "IRF7: unchanged" in out
    assert "claims 0 created, 6 already present" in out


def test_seeds_option_reads_the_files_from_another_folder(tmp_path):
    for path in SEEDS.glob("00*.txt"):
        shutil.copy(path, tmp_path)

    load_demo(seeds=tmp_path)

    assert Claim.objects.count() == 14


def test_folder_missing_a_seed_file_is_refused_and_loads_nothing(tmp_path):
    shutil.copy(SEEDS / "000_fcece885daad7ccc.txt", tmp_path)

    with pytest.raises(
        CommandError, match="missing seed files 002_eea62aa3baafd0dc.txt, 001_74481c1f577e6ab2.txt"
    ):
        load_demo(seeds=tmp_path)
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_broken_seed_file_rolls_back_the_whole_demo(tmp_path):
    for path in SEEDS.glob("00*.txt"):
        shutil.copy(path, tmp_path)
    (tmp_path / "002_eea62aa3baafd0dc.txt").write_text("no citation here\n", encoding="utf-8")

    with pytest.raises(CommandError, match="002_eea62aa3baafd0dc.txt: line 1"):
        load_demo(seeds=tmp_path)
    assert row_counts() == dict.fromkeys(row_counts(), 0)
