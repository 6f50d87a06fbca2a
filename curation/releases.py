"""Dated releases: every export written from one database snapshot, plus a manifest.

A release is a folder named by its date (YYYY-MM-DD) holding the exports
of curation.exports and ``manifest.json`` (date, schema version, and for each
file its rows, bytes and sha256). All files are read in one transaction, so a
reference cited by an exported claim is always in the same release: on
PostgreSQL a read-only REPEATABLE READ transaction (one snapshot, writers go
on); on SQLite one transaction, which sees one snapshot too.

A release is written into a hidden folder beside its destination and renamed
into place when complete, so nobody downloads half of one.
"""

import hashlib
import json
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from curation import exports

# 2: genes.ndjson joined the release, so that a release alone can rebuild the public pages.
SCHEMA_VERSION = "2"
MANIFEST = "manifest.json"
RELEASE_NAME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
COUNTS = {
    "claims": "claims.ndjson",
    "references": "references.ndjson",
    "generifs": "generifs.tsv",
    "genes": "genes.ndjson",
}


class ReleaseError(Exception):
    pass


@contextmanager
def snapshot():
    """Everything read inside sees the database as it was at one moment."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_release(outdir, *, date=None):
    """Write a release into `outdir` (created; a previous release there is replaced).

    Returns the manifest.
    """
    outdir = Path(outdir)
    if date is not None and not RELEASE_NAME.fullmatch(date):
        raise ReleaseError(f"{date!r} is not a date: use YYYY-MM-DD.")
    if outdir.exists() and any(outdir.iterdir()) and not (outdir / MANIFEST).exists():
        raise ReleaseError(f"{outdir} holds files that are not a release; choose another folder.")
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}-", dir=outdir.parent))
    try:
        with snapshot():
            taken = timezone.now()
            files = [_write_export(staging, name) for name in exports.EXPORTS]
        rows = {f["name"]: f["rows"] for f in files}
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "date": date or taken.date().isoformat(),
            "snapshot_at": taken.isoformat().replace("+00:00", "Z"),
            "counts": {key: rows[name] for key, name in COUNTS.items()},
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        staging.chmod(0o755)
        _move_into_place(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _write_export(folder, name):
    export = exports.EXPORTS[name]
    with open(folder / name, "wb") as out:
        measured = measure(name, _written(out, exports.stream(name)))
    return {
        "name": name,
        "content_type": export.content_type,
        "description": export.description,
        **measured,
    }


def _written(out, chunks):
    for chunk in chunks:
        out.write(chunk)
        yield chunk


def measure(name, chunks):
    """The rows, bytes and sha256 of the file `name` made of `chunks`, as a manifest gives them."""
    export = exports.EXPORTS.get(name)
    digest = hashlib.sha256()
    size = lines = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {
        "rows": lines - (1 if export and export.header else 0),
        "bytes": size,
        "sha256": digest.hexdigest(),
    }


def _move_into_place(staging, outdir):
    if not outdir.exists():
        staging.rename(outdir)
        return
    old = outdir.with_name(f".{outdir.name}-old-{staging.name}")
    outdir.rename(old)
    staging.rename(outdir)
    shutil.rmtree(old)


def read_manifest(folder):
    """The manifest of the release in `folder`, or None."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    manifest["name"] = Path(folder).name
    return manifest


def published(root=None):
    """Manifests of the releases under RELEASES_DIR, newest first."""
    root = Path(root or settings.RELEASES_DIR)
    if not root.is_dir():
        return []
    folders = sorted((p for p in root.iterdir() if RELEASE_NAME.fullmatch(p.name)), reverse=True)
    return [m for m in map(read_manifest, folders) if m is not None]


def published_file(release, name, root=None):
    """(path, content type) of a file a release's manifest lists, or None.

    Only names in the manifest (and the manifest itself) are served, so no
    request can reach any other file.
    """
    if not RELEASE_NAME.fullmatch(release):
        return None
    folder = Path(root or settings.RELEASES_DIR) / release
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    types = {f["name"]: f["content_type"] for f in manifest["files"]}
    types[MANIFEST] = "application/json"
    if name not in types or "/" in name or name.startswith("."):
        return None
    return folder / name, types[name]


@shared_task
def publish_release():
    """Write today's release into RELEASES_DIR/<date>/; a rerun the same day replaces it."""
    day = timezone.now().date().isoformat()
    manifest = write_release(Path(settings.RELEASES_DIR) / day, date=day)
    return manifest["counts"]
