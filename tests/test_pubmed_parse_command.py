"""python manage.py pubmed_parse: NDJSON on stdout, problems on stderr, the exit status."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "pubmed"
PAIR = FIXTURES / "retraction_pair_eoc_collective_pmid33104149_34095918_34086810_32090497.xml"
BOOK = FIXTURES / "book_article_genereviews_pmid20301577.xml"


def run(*files):
    out, err = io.StringIO(), io.StringIO()
    call_command("pubmed_parse", *map(str, files), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def broken_copy(tmp_path):
    """PAIR with its second record (PMID 33104149) cut in half."""
    data = PAIR.read_bytes()
    start = data.index(b"<PubmedArticle>", data.index(b"</PubmedArticle>"))
    end = data.index(b"</PubmedArticle>", start) + len(b"</PubmedArticle>")
    path = tmp_path / "broken.xml"
    path.write_bytes(data[: (start + end) // 2] + data[end:])
    return path


def test_prints_one_json_object_per_record_in_file_order():
    out, err = run(PAIR, BOOK)
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["pmid"] for record in records] == [
        "32090497", "33104149", "34086810", "34095918", "20301577",
    ]  # fmt: skip
    assert records[1]["retracted"] is True
    assert records[1]["retraction_pmids"] == ["34095918"]
    assert records[-1]["kind"] == "book"
    assert err == ""


def test_output_keeps_non_ascii_text_readable():
    out, _ = run(FIXTURES / "medlinedate_year_ranges_pmid399698_399706_399974.xml")
    assert '"family": "Hernández"' in out


def test_deleted_pmids_are_notices_on_stderr_not_records():
    out, err = run(FIXTURES / "delete_citation_update_file_tail_pmid34097368.xml")
    assert [json.loads(line)["pmid"] for line in out.splitlines()] == ["34097368"]
    assert "PMID 31688362 deleted by PubMed (DeleteCitation)" in err
    assert err.count("deleted by PubMed") == 20


def test_broken_record_is_reported_with_its_pmid_and_the_others_still_print(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 record\(s\) or file\(s\) could not be read"):
        call_command("pubmed_parse", str(broken_copy(tmp_path)), stdout=out, stderr=err)
    assert [json.loads(line)["pmid"] for line in out.getvalue().splitlines()] == [
        "32090497", "34086810", "34095918",
    ]  # fmt: skip
    assert "PMID 33104149: PubmedArticle is cut short" in err.getvalue()


def test_exit_status_is_non_zero_with_the_pmid_and_reason_on_stderr(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "pubmed_parse", str(broken_copy(tmp_path))],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "PMID 33104149: PubmedArticle is cut short: no </PubmedArticle>" in done.stderr
    assert len(done.stdout.splitlines()) == 3


def test_eutils_error_body_fails_with_its_messages():
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "pubmed_parse",
            str(FIXTURES / "eutils_error_epost_multiple_errors.xml"),
            str(PAIR),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "E-utilities error: Empty ID list; Nothing to store; Some IDs" in err.getvalue()


def test_missing_file_fails_cleanly(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("pubmed_parse", str(tmp_path / "nope.xml"), stdout=io.StringIO(), stderr=err)
    assert "nope.xml: [Errno 2] No such file or directory" in err.getvalue()


def test_empty_set_prints_nothing_and_succeeds():
    out, err = run(FIXTURES / "empty_set_unavailable_pmid37909814.xml")
    assert (out, err) == ("", "")
