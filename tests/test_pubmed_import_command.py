import gzip
import io

import pytest
from django.core.management import CommandError, call_command

from references.models import Reference
from tests.factories import make_approved_claim, make_reference
from tests.pubmed_fixtures import PUBMED_FIXTURES, fixture_path

pytestmark = pytest.mark.django_db


def run(*files):
    out, err = io.StringIO(), io.StringIO()
    call_command("pubmed_import", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_references_then_changes_nothing():
    path = fixture_path("retraction_pair")
    out, _ = run(path)
    assert out.strip() == "4 created, 0 updated, 0 unchanged, 0 deleted, 0 failed"
    assert set(Reference.objects.values_list("pmid", flat=True)) == {
        33104149,
        34095918,
        34086810,
        32090497,
    }
    assert Reference.objects.get(pmid=33104149).retracted

    out, _ = run(path)
    assert out.strip() == "0 created, 0 updated, 4 unchanged, 0 deleted, 0 failed"


def test_import_reads_gzipped_baseline_files_with_deletions(tmp_path, curator, reviewer):
    deleted = make_reference(pmid=31688362, fetch_status="pending")
    deleted.apply_pubmed({"pmid": "31688362", "title": "Later removed from PubMed"})
    claim = make_approved_claim(curator, reviewer, references=[deleted])
    gz = tmp_path / "pubmed26n1234.xml.gz"
    gz.write_bytes(gzip.compress(fixture_path("delete_citation").read_bytes()))

    out, _ = run(gz)

    assert out.strip() == "1 created, 0 updated, 0 unchanged, 1 deleted, 0 failed"
    claim.refresh_from_db()
    assert claim.flags == ["cites_deleted"]


def test_broken_record_is_reported_and_the_rest_imported(tmp_path):
    text = fixture_path("retraction_pair").read_text()
    cut = text.index("</PubmedArticle>") - 200  # cut the first record short
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut] + text[text.index("<PubmedArticle>", cut) :])

    with pytest.raises(CommandError, match="1 record"):
        run(broken)

    assert Reference.objects.count() == 3


def test_all_fixture_files_import():
    files = sorted(
        p for p in PUBMED_FIXTURES.glob("*.xml") if not p.name.startswith("eutils_error")
    )
    out, _ = run(*files)
    assert out.endswith("0 failed\n")
    assert Reference.objects.filter(kind="book").count() == 1
    assert Reference.objects.get(pmid=34017925).pmid_version == 2
