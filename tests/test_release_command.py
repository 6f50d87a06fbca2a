"""manage.py release OUTDIR and the nightly task: every export, a manifest that checks out."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from curation import exports, releases
from curation.models import Claim
from tests.export_helpers import make_dataset, ndjson, tsv


@pytest.fixture
def data(curator, reviewer, gene):
    return make_dataset(curator, reviewer, gene)


def test_release_writes_every_export_and_a_manifest_with_counts_sizes_and_checksums(tmp_path, data):
    outdir = tmp_path / "2025-01-31"
    call_command("release", str(outdir), "--date", "2025-01-31")

    manifest = json.loads((outdir / "manifest.json").read_text())
    assert manifest["schema_version"] == releases.SCHEMA_VERSION
    assert manifest["date"] == "2025-01-31"
    assert [f["name"] for f in manifest["files"]] == list(exports.EXPORTS)
    assert sorted(p.name for p in outdir.iterdir()) == sorted([*exports.EXPORTS, "manifest.json"])
    for entry in manifest["files"]:
        content = (outdir / entry["name"]).read_bytes()
        assert entry["bytes"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert content == b"".join(exports.stream(entry["name"]))
    approved = Claim.objects.public().count()
    assert manifest["counts"] == {
        "claims": approved,
        "references": 3,
        "generifs": 2,
        "genes": 2,
    }
    rows = {f["name"]: f["rows"] for f in manifest["files"]}
    assert rows == {
        "claims.ndjson": approved,
        "claims.tsv": approved,
        "references.ndjson": 3,
        "generifs.tsv": 2,
        "genes.ndjson": 2,
    }


def test_every_reference_cited_by_a_released_claim_is_in_the_release(tmp_path, data):
    manifest = releases.write_release(tmp_path / "r")

    claims = ndjson((tmp_path / "r" / "claims.ndjson").read_bytes())
    references = ndjson((tmp_path / "r" / "references.ndjson").read_bytes())
    cited = {c["reference"]["id"] for claim in claims for c in claim["citations"]}
    assert cited == {r["id"] for r in references}
    _, rows = tsv((tmp_path / "r" / "claims.tsv").read_bytes())
    assert [int(row[0]) for row in rows] == [c["id"] for c in claims]
    assert manifest["counts"]["claims"] == len(claims)


def test_a_second_release_in_the_same_folder_replaces_the_first(tmp_path, data, reviewer):
    outdir = tmp_path / "2025-02-01"
    releases.write_release(outdir)
    data["plain"].retire(reviewer, comment="Outdated.")

    manifest = releases.write_release(outdir)

    assert manifest["counts"]["claims"] == 2
    assert len(ndjson((outdir / "claims.ndjson").read_bytes())) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["2025-02-01"]


def test_release_refuses_a_folder_that_holds_other_files(tmp_path, db):
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(CommandError, match="not a release"):
        call_command("release", str(tmp_path))

    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_release_refuses_a_date_that_is_not_one(tmp_path, db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("release", str(tmp_path / "x"), "--date", "../etc")


def test_the_nightly_task_publishes_todays_release_under_releases_dir(tmp_path, data, settings):
    from django.utils import timezone

    settings.RELEASES_DIR = tmp_path
    counts = releases.publish_release()

    today = timezone.now().date().isoformat()
    assert counts == {"claims": 3, "references": 3, "generifs": 2, "genes": 2}
    assert [m["name"] for m in releases.published()] == [today]


def test_the_nightly_release_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-release"]
    assert entry["task"] == releases.publish_release.name
