"""Backup and restore: a dated release restored into an empty database, and pg_dump / pg_restore.

Both give back the same public pages and API answers. Bodies are compared as
they are, with nothing normalised: public pages carry no CSRF token or
session, every absolute URL is built for the same test host, and every time
they show comes from the data. Headers are not compared: a gene page's ETag
and Last-Modified are stamps of the cache it was rendered in, not data.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
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

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    cache.clear()  # the export allowance of the test client's address starts unused
    yield build_site()
    cache.clear()


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
        assert after[path] == before[path], path
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
