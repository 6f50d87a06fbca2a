"""generate_synthetic_claims N: N approved claims with genes, references and citations, fast.

For benchmarks and load tests, never for a real site. Rows go in with COPY on
PostgreSQL and in large executemany batches elsewhere, with ids taken after
the current largest, so run it on a database nobody else writes to. The
claims have no audit trail (they were never reviewed); every tenth claim's
text holds tabs, newlines, quotes, backslashes and non-ASCII to exercise the
exports' escaping. Claims' `updated_at` is spread over the past year; the
references are older.
"""

import json
import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from curation.models import Citation, Claim, Section, Status
from genes.models import Gene
from genes.signals import catalogue_changed
from references.models import Reference, title_key

BATCH = 10_000
VERBS = ("regulates", "binds", "is induced by", "represses", "phosphorylates", "interacts with")
ODD = ' with a\ttab, a\nnewline, "quotes", a back\\slash, Ménière, 中文 and 🧬'
WORDS = [
    "interferon",
    "signalling",
    "innate",
    "immunity",
    "transcription",
    "factor",
    "plasmacytoid",
    "dendritic",
    "cells",
    "viral",
    "infection",
    "promoter",
    "binding",
    "phosphorylation",
    "nuclear",
    "translocation",
    "mouse",
    "model",
    "patients",
]


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many approved claims to add")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, count, seed, **options):
        started = timezone.now()
        counts = generate(count, seed=seed)
        seconds = (timezone.now() - started).total_seconds()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Added {summary} in {seconds:.1f} s.")


@transaction.atomic
def generate(count, *, seed=7):
    rng = random.Random(seed)
    now = timezone.now()
    long_ago = now - timedelta(days=400)  # older than every claim, so updated_since selects claims
    curator, _ = User.objects.get_or_create(username="synthetic-curator")
    reviewer, _ = User.objects.get_or_create(username="synthetic-reviewer")
    gene_base = _next_id(Gene)
    reference_base = _next_id(Reference)
    claim_base = _next_id(Claim)
    citation_base = _next_id(Citation)
    genes = max(1, min(20_000, count // 50))
    references = max(1, count // 2)

    def gene_rows():
        for i in range(genes):
            pk = gene_base + i
            yield {
                "id": pk,
                "ncbi_gene_id": 900_000_000 + pk,
                "symbol": f"SYN{pk}",
                "name": f"synthetic gene {pk}",
                "description": "A gene made up for benchmarks.",
                "created_at": now,
                "updated_at": now,
            }

    def reference_rows():
        for i in range(references):
            pk = reference_base + i
            words = " ".join(rng.choices(WORDS, k=12))
            yield {
                "id": pk,
                "pmid": 100_000_000 + pk,
                "doi": f"10.5555/synthetic.{pk}",
                "title": f"The {words} of synthetic gene {pk}.",
                "title_html": f"The {words} of <i>synthetic gene</i> {pk}.",
                "title_key": title_key(f"The {words} of synthetic gene {pk}."),
                "authors": [
                    {"family": "Honda", "given": "Kenya", "initials": "K"},
                    {"family": "Takaoka", "given": "Akinori", "initials": "A"},
                    {"collective": "Synthetic Consortium"},
                ],
                "journal": "Journal of Synthetic Biology",
                "journal_abbrev": "J Synth Biol",
                "volume": str(rng.randint(1, 400)),
                "issue": str(rng.randint(1, 12)),
                "pages": "100-110",
                "year": 1990 + pk % 35,
                "published": f"{1990 + pk % 35}-{1 + pk % 12:02d}",
                "abstract": " ".join(rng.choices(WORDS, k=60)) + ".",
                "publication_types": ["Journal Article"],
                "mesh_terms": ["Animals", "Interferon Type I"],
                "language": "eng",
                "fetch_status": Reference.FetchStatus.FETCHED,
                "fetched_at": long_ago,
                "created_at": long_ago,
                "updated_at": long_ago,
            }

    def claim_batches():
        claims, citations, mentions = [], [], []
        citation_id = citation_base
        for i in range(count):
            pk = claim_base + i
            gene = gene_base + i % genes
            text = f"SYN{gene} {rng.choice(VERBS)} {' '.join(rng.choices(WORDS, k=14))}."
            if i % 10 == 0:
                text += ODD
            moment = now - timedelta(seconds=rng.randint(0, 365 * 86400))
            claims.append(
                {
                    "id": pk,
                    "gene_id": gene,
                    "section": Section.values[i % len(Section.values)],
                    "text": text,
                    "status": Status.APPROVED,
                    "position": i // genes,
                    "evidence_type": "in_vivo" if i % 3 else "",
                    "organism": "Mus musculus" if i % 2 else "Homo sapiens",
                    "author_id": curator.pk,
                    "reviewer_id": reviewer.pk,
                    "version": 3,
                    "flags": [],
                    "submitted_at": moment - timedelta(days=1),
                    "decided_at": moment,
                    "created_at": moment - timedelta(days=2),
                    "updated_at": moment,
                }
            )
            cited = sorted(set(rng.choices(range(references), k=1 + i % 3)))
            for position, ref in enumerate(cited):
                citations.append(
                    {
                        "id": citation_id,
                        "claim_id": pk,
                        "reference_id": reference_base + ref,
                        "position": position,
                        "stance": "supports",
                        "locator": "Fig. 2" if i % 4 == 0 else "",
                        "quote": "",
                    }
                )
                citation_id += 1
            if i % 4 == 0 and genes > 1:
                mentions.append({"claim_id": pk, "gene_id": gene_base + (i + 1) % genes})
            if len(claims) >= BATCH:
                yield claims, citations, mentions
                claims, citations, mentions = [], [], []
        if claims:
            yield claims, citations, mentions

    _insert(Gene, gene_rows())
    _insert(Reference, reference_rows())
    for claims, citations, mentions in claim_batches():
        _insert(Claim, claims)
        _insert(Citation, citations)
        _insert(Claim.mentioned_genes.through, mentions, database_ids=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [Gene, Reference, Claim, Citation]
        ):
            cursor.execute(statement)
    # The rows went in without save signals: retire cached gene pages and API responses.
    catalogue_changed.send(sender=Gene)
    return {"claims": count, "genes": genes, "references": references}


def _next_id(model):
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _insert(model, rows, *, database_ids=False):
    """Insert dicts of column values (missing ones get the field's default)."""
    fields = [f for f in model._meta.concrete_fields if not (database_ids and f.primary_key)]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    json_columns = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    time_columns = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
    sqlite = connection.vendor != "postgresql"

    def values(row):
        out = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in json_columns:
                value = json.dumps(value)
            elif sqlite and f.attname in time_columns and value is not None:
                value = connection.ops.adapt_datetimefield_value(value)
            out.append(value)
        return out

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
            return
        marks = ", ".join(["%s"] * len(columns))
        batch = []
        for row in rows:
            batch.append(values(row))
            if len(batch) >= BATCH:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                batch.clear()
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
