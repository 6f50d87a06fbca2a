"""Parsed records from the real PubMed fixtures in ../shared/fixtures/pubmed/."""

from pathlib import Path

from django.conf import settings

from references.pubmed_parser import ParsedRecord, iter_records

PUBMED_FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "pubmed"


def fixture_path(prefix):
    (path,) = PUBMED_FIXTURES.glob(f"{prefix}*.xml")
    return path


def parsed(prefix, pmid):
    """The parsed record of `pmid` (string) in the fixture whose name starts with `prefix`."""
    for item in iter_records(fixture_path(prefix)):
        if isinstance(item, ParsedRecord) and item.data["pmid"] == pmid:
            return dict(item.data)
    raise LookupError(f"PMID {pmid} is not in {prefix}*.xml")
