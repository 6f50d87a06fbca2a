"""A release is one snapshot: what others commit while it is written shows in none of its files."""

import sqlite3
import threading
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, connections

from curation import exports, releases
from curation.models import Claim
from tests.export_helpers import ndjson
from tests.factories import make_approved_claim, make_gene, make_reference, make_user


def in_another_connection(work):
    """Run work() in a thread, hence on its own database connection, and return its result."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as e:  # noqa: BLE001 - handed back to the test
            outcome["error"] = e
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.django_db(transaction=True)
def test_a_claim_approved_or_retired_while_a_release_is_written_changes_none_of_its_files(
    tmp_path, monkeypatch
):
    # An earlier transactional test may have flushed the groups its data migration made.
    import_module("curation.migrations.0002_groups").create_groups(apps, None)
    curator = make_user("carla", "curators")
    reviewer = make_user("rita", "reviewers")
    gene = make_gene("IRF7", ncbi_gene_id=3665)
    kept = make_approved_claim(curator, reviewer, gene=gene, text="Stays approved.")
    retired = make_approved_claim(curator, reviewer, gene=gene, text="Retired meanwhile.")
    (retired_reference,) = retired.citations.values_list("reference_id", flat=True)

    def approve_and_retire():
        new = make_approved_claim(
            curator, reviewer, gene=gene, text="Approved meanwhile.", references=[make_reference()]
        )
        Claim.objects.get(pk=retired.pk).retire(reviewer, comment="Outdated.")
        return new

    def refused_by_sqlite():
        # SQLite's writers wait for the release's transaction; one that will not wait fails.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()

    happened = {}
    stream = exports.stream

    def stream_after_claims(name, *args, **kwargs):
        # claims.ndjson is written; change the database before the references are read.
        if name == "references.ndjson":
            if connection.vendor == "postgresql":
                happened["new"] = in_another_connection(approve_and_retire)
            else:
                happened["refused"] = refused_by_sqlite()
        return stream(name, *args, **kwargs)

    monkeypatch.setattr(exports, "stream", stream_after_claims)
    manifest = releases.write_release(tmp_path / "r")

    assert happened
    claims = ndjson((tmp_path / "r" / "claims.ndjson").read_bytes())
    references = ndjson((tmp_path / "r" / "references.ndjson").read_bytes())
    assert [c["id"] for c in claims] == [kept.pk, retired.pk]
    cited = {c["reference"]["id"] for claim in claims for c in claim["citations"]}
    assert {r["id"] for r in references} == cited
    assert retired_reference in cited
    assert manifest["counts"] == {"claims": 2, "references": 2, "generifs": 2, "genes": 1}
    if connection.vendor == "postgresql":
        # The other connection did commit: the next release sees it.
        assert set(Claim.objects.public().values_list("pk", flat=True)) == {
            kept.pk,
            happened["new"].pk,
        }
