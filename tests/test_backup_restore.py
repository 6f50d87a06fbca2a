"""Backup and restore: a dated release restored into an empty database, and pg_dump / pg_restore.

Both give back the same public pages and API answers. Bodies are compared
byte for byte: public pages carry no CSRF token or session, every absolute
URL is built for the same test host, and every time they show comes from the
data. Headers are not compared: a gene page's ETag and Last-Modified are
stamps of the cache it was rendered in, not data.

One normalisation, on SQLite only: API JSON is compared parsed. SQLite keeps
a JSON column's text as it was written, so the keys of an author or an
abstract section come back in the order the release writes them (PostgreSQL's
jsonb order, which PostgreSQL itself applies to every stored value), not in
the order the original database happened to hold them. Everything else, the
exports included, is compared byte for byte on SQLite too.
"""

import hashlib
import io
import json
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from curation import exports, releases, restore
from curation.models import Action, Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from references.models import JSON_FIELDS, Reference
from tests.backup_helpers import (
    PUBLIC_PATHS,
    build_site,
    get,
    helper,
    manage,
    postgres_database,
    reference_paths,
)
from tests.export_helpers import no_throttle_left_over  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site()


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new database of the suite's kind (PostgreSQL or SQLite), migrated."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        with postgres_database("restore") as (url, _):
            manage("migrate", "--noinput", database_url=url)
            yield url
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        manage("migrate", "--noinput", database_url=url)
        yield url


def comparable(path, answer):
    """The answer as compared: as it is, but for API JSON on SQLite (see the module docstring)."""
    api = path.startswith("/api/v1/") and not path.startswith("/api/v1/export/")
    if api and connection.vendor == "sqlite":
        return answer[0], json.loads(answer[1])
    return answer


def public_paths(site):
    return PUBLIC_PATHS + reference_paths([site["paper"], site["retracted"], site["database"]])


def test_a_release_restored_into_an_empty_database_answers_the_same(site, tmp_path, empty_database):
    folder = tmp_path / "2025-03-01"
    releases.write_release(folder, date="2025-03-01")
    paths = public_paths(site)
    before = get(paths)

    output = manage("restore_release", str(folder), database_url=empty_database)
    after = json.loads(helper("get", *paths, database_url=empty_database))

    assert "Release 2025-03-01 restored: 4 genes, 18 references, 17 approved claims," in output
    # The superseded claim comes back as a placeholder, and the accounts as inactive ones.
    assert f"Superseded claims #{site['original'].pk} are not in a release" in output
    assert "without a password: unknown-author, importer, carla, rita." in output
    for path in paths:
        assert before[path][0] == 200, path
        assert comparable(path, after[path]) == comparable(path, before[path]), path
    # A release of the restored database is the release it came from, file for file.
    manage("release", str(tmp_path / "again"), database_url=empty_database)
    for name in exports.EXPORTS:
        assert (tmp_path / "again" / name).read_bytes() == (folder / name).read_bytes(), name
    # What the test looks at is really there.
    assert "IRF-7" in before["/genes/IRF7/"][1] and "IRF7X" in before["/genes/IRF7/"][1]
    assert "has been retracted" in before[f"/references/{site['retracted'].pk}/"][1]
    revision = json.loads(before["/api/v1/genes/IRF3/"][1])["claims"][0]
    assert revision["supersedes"] == site["original"].pk


CLAIM_FIELDS = (
    "pk",
    "gene__symbol",
    "section",
    "position",
    "text",
    "status",
    "version",
    "evidence_type",
    "organism",
    "author__username",
    "reviewer__username",
    "supersedes",
    "flags",
    "submitted_at",
    "decided_at",
    "updated_at",
)
# manual_metadata is not in a release: the restore derives it (see curation.restore).
REFERENCE_FIELDS = (*JSON_FIELDS, "updated_at", "title_key", "manual_metadata")


def approved_claims():
    claims = Claim.objects.public().order_by("pk")
    return [
        (*values, list(claim.citations.values_list("reference", "position", "stance", "locator")))
        for values, claim in zip(claims.values_list(*CLAIM_FIELDS), claims, strict=True)
    ]


def test_restored_rows_keep_their_ids_times_and_links(site, tmp_path):
    """The same restore in this process, to look at the rows themselves."""
    releases.write_release(tmp_path / "r")
    claims = approved_claims()
    cited = Reference.objects.filter(citations__claim__status=Status.APPROVED).distinct()
    references = list(cited.order_by("pk").values_list(*REFERENCE_FIELDS))
    empty_this_database()

    restored = restore.restore_release(tmp_path / "r")

    assert (restored.claims, restored.references) == (len(claims), len(references))
    assert approved_claims() == claims
    assert list(Reference.objects.order_by("pk").values_list(*REFERENCE_FIELDS)) == references
    for claim in Claim.objects.public():
        assert list(claim.events.values_list("action", "to_status", "actor")) == [
            (Action.IMPORT, Status.APPROVED, None)
        ]
        assert not claim.author.is_active  # its account was not in this database: created
    placeholder = Claim.objects.get(pk=site["original"].pk)
    assert (placeholder.status, placeholder.text, placeholder.citations.count()) == (
        Status.SUPERSEDED,
        "",
        0,
    )
    assert placeholder.author.username == restore.UNKNOWN_AUTHOR
    assert placeholder.events.get().to_status == Status.SUPERSEDED
    irf7 = Gene.objects.get(symbol="IRF7")
    assert Gene.objects.get(symbol="IRF7X").replaced_by == irf7
    merged = date(2020, 5, 4)
    assert sorted(irf7.names.values_list("kind", "name", "name_upper", "discontinued_on")) == [
        ("alias", "IRF-7", "IRF-7", None),
        ("alias", "IRF7A", "IRF7A", None),
        ("discontinued", "IRF7X", "IRF7X", merged),
        ("discontinued_id", "990001", "990001", merged),
    ]
    # New rows take ids after the restored ones.
    assert Reference.objects.create(title="New").pk > references[-1][0]


def empty_this_database():
    """Delete what a release restores, and the accounts (history rows too, in plain SQL:
    the models refuse to delete them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ReviewEvent._meta.db_table}")
    Citation.objects.all().delete()
    Claim.mentioned_genes.through.objects.all().delete()
    Claim.objects.update(supersedes=None)
    Claim.objects.all().delete()
    Reference.objects.all().delete()
    Gene.objects.update(replaced_by=None)
    Gene.objects.all().delete()
    User.objects.all().delete()


def row_counts():
    models = (Gene, GeneName, Reference, Claim, Citation, ReviewEvent, User)
    return {model.__name__: model.objects.count() for model in models}


def restore_command(folder):
    out = io.StringIO()
    call_command("restore_release", str(folder), stdout=out)
    return out.getvalue()


def rewrite(folder, name, change):
    """Change a file of a release and its manifest entry alike, as a buggy writer would."""
    path = folder / name
    path.write_bytes(change(path.read_bytes()))
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["name"] == name:
            content = path.read_bytes()
            entry.update(
                bytes=len(content),
                rows=content.count(b"\n"),
                sha256=hashlib.sha256(content).hexdigest(),
            )
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_a_file_changed_after_the_release_was_written_is_refused_before_anything_is_written(
    site, tmp_path
):
    releases.write_release(tmp_path / "r")
    claims = tmp_path / "r" / "claims.ndjson"
    claims.write_bytes(claims.read_bytes().replace(b"IRF7 works", b"IRF7 fails"))
    empty_this_database()

    with pytest.raises(CommandError) as refused:
        restore_command(tmp_path / "r")

    assert str(refused.value).startswith("claims.ndjson does not match the manifest (sha256 ")
    assert "changed or damaged after the release was written. Nothing was restored." in str(
        refused.value
    )
    assert set(row_counts().values()) == {0}


def test_a_database_that_holds_data_is_refused_and_left_as_it_was(site, tmp_path):
    releases.write_release(tmp_path / "r")
    before = row_counts()

    with pytest.raises(CommandError, match=r"The database is not empty \(it holds 21 claims, "):
        restore_command(tmp_path / "r")

    assert row_counts() == before


def test_a_release_whose_files_disagree_restores_nothing(site, tmp_path):
    """All or nothing: genes are loaded before the claim that cites a missing reference."""
    releases.write_release(tmp_path / "r")
    missing = site["paper"].pk
    rewrite(
        tmp_path / "r",
        "references.ndjson",
        lambda content: b"".join(
            line for line in content.splitlines(keepends=True) if json.loads(line)["id"] != missing
        ),
    )
    empty_this_database()

    with pytest.raises(CommandError, match=f"cites reference #{missing}, which is not in"):
        restore_command(tmp_path / "r")

    assert set(row_counts().values()) == {0}


def test_a_release_of_schema_version_1_is_refused_clearly(site, tmp_path):
    releases.write_release(tmp_path / "r")
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    manifest["schema_version"] = "1"
    (tmp_path / "r" / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="schema version 1, which carries no genes.ndjson"):
        restore_command(tmp_path / "r")


def test_the_genes_export_writes_the_same_bytes_on_both_paths_in_constant_queries(
    site, django_assert_num_queries
):
    fast = b"".join(exports.stream("genes.ndjson"))
    with django_assert_num_queries(2):  # genes with their replacement, then all their names
        orm = b"".join(exports.stream("genes.ndjson", use_copy=False))
    assert fast == orm
    irf7 = next(g for g in map(json.loads, orm.splitlines()) if g["symbol"] == "IRF7")
    assert irf7["aliases"] == ["IRF-7", "IRF7A"]
    assert irf7["discontinued_names"] == [
        {"name": "IRF7X", "kind": "discontinued", "discontinued_on": "2020-05-04"},
        {"name": "990001", "kind": "discontinued_id", "discontinued_on": "2020-05-04"},
    ]
    assert irf7["url"] == "/genes/IRF7/"


def pg_tool(*args):
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args[0]} failed:\n{done.stderr}"


def test_pg_dump_restored_with_pg_restore_answers_the_same_with_all_its_history(tmp_path):
    """On the suite's PostgreSQL server, or the shared one when the suite runs on SQLite."""
    dump = tmp_path / "curation.dump"
    with (
        postgres_database("backup_source") as (source, _),
        postgres_database("backup_target") as (target, _),
    ):
        manage("migrate", "--noinput", database_url=source)
        paths = PUBLIC_PATHS + json.loads(helper("build", database_url=source))

        pg_tool("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={source}")
        pg_tool("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump))

        before = json.loads(helper("get", *paths, database_url=source))
        after = json.loads(helper("get", *paths, database_url=target))
        history = [int(helper("events", database_url=url)) for url in (source, target)]
    assert {status for status, _ in before.values()} == {200}
    assert after == before
    # Every claim's history, drafts and decisions included: far more than one event per claim.
    assert history[0] == history[1] > 21
