"""Load a dated release (curation.releases) into an empty database.

A release holds what the public sees: every gene of the catalogue, the approved
claims and the references they cite. Restoring one gives back the same public
pages and API answers, not a whole site: drafts, claims under review, rejected,
retired and superseded claims, review history, accounts and tokens are only in
a full backup (pg_dump). See README.md, "Backup and restore".

Nothing is written until the manifest checks out: its schema version, and
every file's size, row count and sha256. Then everything is loaded in one
transaction, so a restore that fails (a file that contradicts another, a
database that is not empty) leaves the database as it was.

What a release does not say is filled in the same way every time, and said:

- Accounts: claims name their curator and reviewer by username. A username
  with no account here gets an inactive account without a password.
- History: one ``import`` ReviewEvent per claim names the release, the way
  the seed importers record claims published elsewhere; the review history
  before it is not in a release.
- A restored revision names the claim it superseded, which is not approved
  and so not in the release: that claim comes back as a placeholder (status
  superseded, no text, no citations, written by UNKNOWN_AUTHOR) so that the
  revision keeps its ``supersedes`` id.
- ``created_at`` is not in a release: a row takes the earliest time the
  release gives for it. Citations get new ids (none is shown anywhere).
- ``manual_metadata`` is not in the Reference JSON. A cited reference that
  PubMed has not filled passed review with metadata entered by hand or
  imported (or, rarely, on an override): it is marked as entered by hand, so
  it stays resolved; one with a PMID, DOI or PMCID is still fetched later.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from curation import exports, releases
from curation.models import Action, Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from genes.signals import catalogue_changed
from references.models import Reference, title_key

READS = {"2"}
NEEDED = ("genes.ndjson", "references.ndjson", "claims.ndjson")
BATCH = 1000
UNKNOWN_AUTHOR = "unknown-author"
# The Gene JSON fields that are Gene columns as they are (names, links and times are not).
GENE_COLUMNS = tuple(
    (name, kind)
    for name, kind in exports.GENE_FIELDS
    if kind not in ("names", "path") and name not in ("replaced_by", "updated_at")
)


class RestoreError(Exception):
    pass


@dataclass
class Restored:
    release: str
    genes: int = 0
    references: int = 0
    claims: int = 0
    citations: int = 0
    users_created: list = field(default_factory=list)
    placeholders: list = field(default_factory=list)


def verify_release(folder):
    """The manifest of the release in `folder`, once every file it lists checks out."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / releases.MANIFEST).read_text())
    except FileNotFoundError:
        raise RestoreError(f"{folder} holds no {releases.MANIFEST}: it is not a release.") from None
    except (OSError, ValueError) as e:
        raise RestoreError(f"{folder / releases.MANIFEST} is not readable JSON ({e}).") from None
    version = str(manifest.get("schema_version"))
    if version == "1":
        raise RestoreError(
            "This release has schema version 1, which carries no genes.ndjson: the gene pages "
            "cannot be rebuilt from it. Restore a release of schema version 2 or later, or the "
            "pg_dump backup."
        )
    if version not in READS:
        raise RestoreError(
            f"This release has schema version {version}; this code reads version "
            f"{', '.join(sorted(READS))}. Restore it with the code that wrote it."
        )
    entries = {entry["name"]: entry for entry in manifest.get("files", [])}
    missing = [name for name in NEEDED if name not in entries]
    if missing:
        raise RestoreError(f"The manifest lists no {', '.join(missing)}.")
    for name, entry in entries.items():
        _verify_file(folder, name, entry)
    return manifest


def _verify_file(folder, name, entry):
    if "/" in name or name.startswith("."):
        raise RestoreError(f"The manifest names {name!r}, which is not a file of a release.")
    try:
        with open(folder / name, "rb") as f:
            found = releases.measure(name, iter(lambda: f.read(exports.CHUNK_SIZE), b""))
    except FileNotFoundError:
        raise RestoreError(f"{name} is listed in the manifest but missing.") from None
    problems = []
    if found["sha256"] != entry.get("sha256"):
        problems.append(f"sha256 {found['sha256']} is not the manifest's {entry.get('sha256')}")
    if found["bytes"] != entry.get("bytes"):
        problems.append(f"{found['bytes']} bytes, the manifest says {entry.get('bytes')}")
    if found["rows"] != entry.get("rows"):
        problems.append(f"{found['rows']} rows, the manifest says {entry.get('rows')}")
    if problems:
        raise RestoreError(
            f"{name} does not match the manifest ({'; '.join(problems)}): it was changed or "
            "damaged after the release was written. Nothing was restored."
        )


def restore_release(folder):
    """Load the release in `folder` into this (empty) database; return what was restored."""
    folder = Path(folder)
    manifest = verify_release(folder)
    restored = Restored(release=manifest.get("date") or folder.name)
    source = f"release {restored.release} (snapshot of {manifest.get('snapshot_at')})"
    with transaction.atomic():
        _require_empty()
        loader = _Loader(folder, source, restored)
        loader.genes()
        loader.references()
        loader.claims()
        _reset_sequences()
        # Bulk inserts send no save signals: retire any cached gene page of the same symbols,
        # and every cached API response.
        catalogue_changed.send(sender=Gene)
    return restored


def _require_empty():
    held = {
        "claims": Claim.objects.count(),
        "references": Reference.objects.count(),
        "genes": Gene.objects.count(),
    }
    held = {name: n for name, n in held.items() if n}
    if held:
        what = ", ".join(f"{n} {name}" for name, n in held.items())
        raise RestoreError(
            f"The database is not empty (it holds {what}). A release is restored into an "
            "empty database only: create a new one and run manage.py migrate first."
        )


def _reset_sequences():
    # Rows were inserted with their ids: the next id must come after them (PostgreSQL only).
    models = [Gene, GeneName, Reference, Claim, Citation, ReviewEvent, get_user_model()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _rows(folder, name):
    with open(folder / name, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _batches(rows):
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def _time(value):
    return parse_datetime(value) if value else None


def _date(value):
    return date.fromisoformat(value) if value else None


def _field(model, name, kind, value):
    """A stored value from its JSON (the inverse of exports._python_value)."""
    if kind == "text":
        # A nullable text column (a DOI) keeps NULL: uniqueness applies where present.
        return value if value is not None or model._meta.get_field(name).null else ""
    if kind == "id":
        return None if value is None else int(value)
    if kind == "date":
        return _date(value)
    if kind == "datetime":
        return _time(value)
    return value


def _earliest(*times):
    return min((t for t in times if t is not None), default=None)


class _Loader:
    def __init__(self, folder, source, restored):
        self.folder = folder
        self.source = source
        self.restored = restored
        self.gene_ids = {}  # symbol -> pk
        self.reference_ids = set()
        self.claim_ids = set()
        self.placeholder_ids = {}  # id -> when it was superseded
        self.users = {}  # username -> pk

    def genes(self):
        replaced = []  # (gene, Gene ID of the gene it was merged into)
        by_ncbi_id = {}
        for batch in _batches(_rows(self.folder, "genes.ndjson")):
            genes = [self._gene(row) for row in batch]
            Gene.objects.bulk_create(genes)
            names = []
            for gene, row in zip(genes, batch, strict=True):
                self.gene_ids[gene.symbol] = gene.pk
                by_ncbi_id[gene.ncbi_gene_id] = gene
                if row["replaced_by"]:
                    replaced.append((gene, int(row["replaced_by"])))
                names += self._names(gene, row)
            GeneName.objects.bulk_create(names)
            self._keep_times(Gene, genes, batch)
            self.restored.genes += len(genes)
        for gene, ncbi_gene_id in replaced:
            if ncbi_gene_id not in by_ncbi_id:
                raise RestoreError(
                    f"Gene {gene.symbol} was merged into Gene ID {ncbi_gene_id}, which is not "
                    "in genes.ndjson."
                )
            gene.replaced_by = by_ncbi_id[ncbi_gene_id]
        Gene.objects.bulk_update([gene for gene, _ in replaced], ["replaced_by"], batch_size=BATCH)

    def _gene(self, row):
        return Gene(**{name: _field(Gene, name, kind, row[name]) for name, kind in GENE_COLUMNS})

    def _names(self, gene, row):
        names = [(name, GeneName.Kind.ALIAS, None) for name in row["aliases"]]
        names += [(name, GeneName.Kind.PREVIOUS, None) for name in row["previous_symbols"]]
        names += [
            (n["name"], n["kind"], _date(n["discontinued_on"])) for n in row["discontinued_names"]
        ]
        return [
            GeneName(gene=gene, name=name, name_upper=name.upper(), kind=kind, discontinued_on=on)
            for name, kind, on in names
        ]

    def _keep_times(self, model, objects, rows, created=None):
        """Give back the release's times, which bulk_create replaced by now (auto_now)."""
        for obj, row in zip(objects, rows, strict=True):
            obj.updated_at = _time(row["updated_at"])
            obj.created_at = created(obj) if created else obj.updated_at
        model.objects.bulk_update(objects, ["updated_at", "created_at"])

    def references(self):
        for batch in _batches(_rows(self.folder, "references.ndjson")):
            references = [self._reference(row) for row in batch]
            Reference.objects.bulk_create(references)
            self.reference_ids.update(r.pk for r in references)
            self._keep_times(
                Reference, references, batch, lambda r: _earliest(r.fetched_at, r.updated_at)
            )
            self.restored.references += len(references)

    def _reference(self, row):
        values = {
            name: _field(Reference, name, kind, row[name])
            for name, kind in exports.REFERENCE_FIELDS
            if name != "updated_at"
        }
        reference = Reference(**values)
        reference.title_key = title_key(reference.title)
        reference.manual_metadata = reference.fetch_status != Reference.FetchStatus.FETCHED
        return reference

    def claims(self):
        for batch in _batches(_rows(self.folder, "claims.ndjson")):
            self._placeholders(batch)
            claims = [self._claim(row) for row in batch]
            Claim.objects.bulk_create(claims)
            self.claim_ids.update(c.pk for c in claims)
            self._keep_times(
                Claim,
                claims,
                batch,
                lambda c: _earliest(c.submitted_at, c.decided_at, c.updated_at),
            )
            self._relations(batch)
            self.restored.claims += len(claims)

    def _claim(self, row):
        if row["status"] != Status.APPROVED:
            raise RestoreError(
                f"Claim #{row['id']} is {row['status']}: a release holds approved claims only."
            )
        return Claim(
            id=row["id"],
            gene_id=self._gene_id(row["gene"], row),
            section=row["section"],
            text=row["text"] or "",
            status=row["status"],
            version=row["version"],
            position=row["position"],
            evidence_type=row["evidence_type"] or "",
            organism=row["organism"] or "",
            author_id=self._user(row["author"]),
            reviewer_id=self._user(row["reviewer"]) if row["reviewer"] else None,
            supersedes_id=row["supersedes"],
            flags=row["flags"],
            submitted_at=_time(row["submitted_at"]),
            decided_at=_time(row["decided_at"]),
        )

    def _placeholders(self, batch):
        """The claims this batch supersedes that are not in the release (they were not approved)."""
        placeholders = []
        for row in batch:
            old = row["supersedes"]
            if old is None or old in self.claim_ids or old in self.placeholder_ids:
                continue
            placeholders.append(
                Claim(
                    id=old,
                    gene_id=self._gene_id(row["gene"], row),
                    section=row["section"],
                    position=row["position"],
                    status=Status.SUPERSEDED,
                    author_id=self._user(UNKNOWN_AUTHOR),
                )
            )
            # Superseded when the revision was approved.
            self.placeholder_ids[old] = _time(row["decided_at"]) or _time(row["updated_at"])
        if not placeholders:
            return
        Claim.objects.bulk_create(placeholders)
        for claim in placeholders:
            claim.created_at = claim.updated_at = self.placeholder_ids[claim.pk]
        Claim.objects.bulk_update(placeholders, ["updated_at", "created_at"])
        self._events(
            placeholders,
            Status.SUPERSEDED,
            lambda claim: (
                f"Placeholder restored from {self.source}: a revision approved there superseded "
                f"claim #{claim.pk}, whose text, citations and history are not in a release."
            ),
            lambda claim: _snapshot(
                {"version": 1, "section": claim.section, "mentioned_genes": [], "citations": []}
            ),
        )
        self.restored.placeholders += [claim.pk for claim in placeholders]

    def _relations(self, batch):
        mentioned, citations = [], []
        through = Claim.mentioned_genes.through
        for row in batch:
            mentioned += [
                through(claim_id=row["id"], gene_id=self._gene_id(symbol, row))
                for symbol in row["mentioned_genes"]
            ]
            for c in row["citations"]:
                reference = c["reference"]["id"]
                if reference not in self.reference_ids:
                    raise RestoreError(
                        f"Claim #{row['id']} cites reference #{reference}, which is not in "
                        "references.ndjson."
                    )
                citations.append(
                    Citation(
                        claim_id=row["id"],
                        reference_id=reference,
                        position=c["position"],
                        stance=c["stance"],
                        locator=c["locator"] or "",
                        quote=c["quote"] or "",
                    )
                )
        through.objects.bulk_create(mentioned)
        Citation.objects.bulk_create(citations)
        self.restored.citations += len(citations)
        by_id = {row["id"]: row for row in batch}
        self._events(
            [Claim(pk=row["id"]) for row in batch],
            Status.APPROVED,
            lambda claim: f"Restored from {self.source}.",
            lambda claim: _snapshot(by_id[claim.pk]),
        )

    def _events(self, claims, status, comment, snapshot):
        ReviewEvent.objects.bulk_create(
            ReviewEvent(
                claim_id=claim.pk,
                actor=None,
                action=Action.IMPORT,
                from_status="",
                to_status=status,
                comment=comment(claim),
                snapshot=snapshot(claim),
            )
            for claim in claims
        )

    def _gene_id(self, symbol, row):
        try:
            return self.gene_ids[symbol]
        except KeyError:
            raise RestoreError(
                f"Claim #{row['id']} names gene {symbol}, which is not in genes.ndjson."
            ) from None

    def _user(self, username):
        if username not in self.users:
            User = get_user_model()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, is_active=False)
                user.set_unusable_password()
                user.save()
                self.restored.users_created.append(username)
            self.users[username] = user.pk
        return self.users[username]


def _snapshot(row):
    """Claim.snapshot() of a restored claim, from its JSON."""
    return {
        "version": row["version"],
        "section": row["section"],
        "text": row.get("text") or "",
        "evidence_type": row.get("evidence_type") or "",
        "organism": row.get("organism") or "",
        "mentioned_genes": row["mentioned_genes"],
        "citations": [
            {
                "reference": c["reference"]["id"],
                "pmid": c["reference"]["pmid"],
                "doi": c["reference"]["doi"],
                "title": c["reference"]["title"] or "",
                "position": c["position"],
                "stance": c["stance"],
                "locator": c["locator"] or "",
                "quote": c["quote"] or "",
            }
            for c in row["citations"]
        ],
    }
