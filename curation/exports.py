"""Bulk exports of approved data, streamed as large byte chunks at database speed.

Five exports, each a generator of bytes (`stream(name, since)`), used alike by
the streaming views and by dated releases:

- ``claims.ndjson``: one approved claim per line, the Claim JSON of DESIGN.md
  with each citation's full Reference JSON inside.
- ``references.ndjson``: every reference cited by an approved claim, one
  Reference JSON per line.
- ``claims.tsv``: a header line, then one approved claim per row (COLUMNS).
- ``generifs.tsv``: NCBI's ``generifs_basic`` layout, for the approved claims
  that cite at least one PubMed paper.
- ``genes.ndjson``: every gene of the catalogue, one Gene JSON per line, with
  what a gene page shows and what a restore needs (GENE_FIELDS): it lets a
  release rebuild the public pages on its own (curation.restore).

Formats, so that they round-trip:

- JSON: identifiers (PMID) are strings, absent values null, absent lists [].
  Times are UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. Keys come in PostgreSQL
  jsonb order (shorter names first), which is how the database writes them.
- TSV fields use PostgreSQL's COPY text escaping: a backslash is written
  ``\\\\``, a tab ``\\t``, a newline ``\\n``, a carriage return ``\\r`` (also
  ``\\b``, ``\\f``, ``\\v`` for those control characters). Every other
  character, non-ASCII included, is written as itself in UTF-8, so a row is
  always one line and `unescape_tsv` gives back the exact text. Absent values
  are empty fields; lists are comma-separated.

``updated_since`` keeps what changed at or after that moment: a claim counts as
changed when it or a reference it cites changed; a reference when it changed
or an approved claim citing it did. So an incremental pull of both files stays
self-consistent. Claims that stopped being approved are not reported by an
incremental pull: compare ids with a full export for that.

On PostgreSQL the database builds every line (jsonb_build_object, COPY text
escaping) and sends them with ``COPY (SELECT ...) TO STDOUT``; we only gather
them into large writes. Elsewhere (SQLite) the ORM reads claims in batches and
Python writes the same bytes. Both paths give identical output.
"""

import json
import re
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.db import connection, models
from django.db.models import Exists, OuterRef, Prefetch, Q

from curation.models import Citation, Claim, Status
from genes.models import Gene, GeneName
from references.models import JSON_FIELDS, Reference

CHUNK_SIZE = 256 * 1024
ORM_BATCH = 500
HUMAN_TAX_ID = 9606

CLAIM_COLUMNS = (
    "id",
    "gene",
    "ncbi_gene_id",
    "section",
    "position",
    "text",
    "evidence_type",
    "organism",
    "mentioned_genes",
    "pmids",
    "reference_ids",
    "author",
    "reviewer",
    "supersedes",
    "version",
    "submitted_at",
    "decided_at",
    "updated_at",
)
GENERIF_COLUMNS = (
    "#Tax ID",
    "Gene ID",
    "PubMed ID (PMID) list",
    "last update timestamp",
    "GeneRIF text",
)


def _reference_kind(name):
    """How a Reference column is written in JSON (see _sql_value and _python_value)."""
    field = Reference._meta.get_field(name)
    if name == "pmid":
        return "id"  # identifiers are strings
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, (models.CharField, models.TextField)):
        return "text"  # blank is null
    return "value"  # numbers, booleans and JSON, as stored


# (name, kind) of each field of the Reference JSON, plus when the reference last changed, so
# that an incremental pull can tell.
REFERENCE_FIELDS = tuple((name, _reference_kind(name)) for name in (*JSON_FIELDS, "updated_at"))

# The Gene JSON of DESIGN.md (as the API writes it, with the page's URL as a path), plus what
# a restore needs to rebuild the catalogue: other catalogue fields, the names of discontinued
# genes with their dates, the gene it was merged into, the fetch state, when it last changed.
GENE_FIELDS = (
    ("symbol", "value"),
    ("name", "text"),
    ("ncbi_gene_id", "id"),
    ("hgnc_id", "text"),
    ("aliases", "names"),
    ("previous_symbols", "names"),
    ("location", "text"),
    ("description", "text"),
    ("description_source", "text"),
    ("uniprot_ids", "value"),
    ("ensembl_id", "text"),
    ("gene_type", "text"),
    ("url", "path"),
    ("gene_family", "text"),
    ("chromosome", "text"),
    ("mim_ids", "value"),
    ("replaced_by", "id"),
    ("discontinued_on", "date"),
    ("discontinued_names", "names"),
    ("fetch_status", "text"),
    ("fetch_error", "text"),
    ("fetched_at", "datetime"),
    ("updated_at", "datetime"),
)
DISCONTINUED_KINDS = (GeneName.Kind.DISCONTINUED, GeneName.Kind.DISCONTINUED_ID)

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
PG_TIME_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
GENERIF_TIME_FORMAT = "%Y-%m-%d %H:%M"
PG_GENERIF_TIME_FORMAT = "YYYY-MM-DD HH24:MI"


@dataclass(frozen=True)
class Export:
    name: str
    content_type: str
    description: str
    header: tuple = ()

    @property
    def header_line(self):
        return ("\t".join(self.header) + "\n").encode() if self.header else b""


NDJSON = "application/x-ndjson; charset=utf-8"
TSV = "text/tab-separated-values; charset=utf-8"
EXPORTS = {
    export.name: export
    for export in (
        Export("claims.ndjson", NDJSON, "Approved claims, one Claim JSON per line."),
        Export("claims.tsv", TSV, "Approved claims, one per row.", CLAIM_COLUMNS),
        Export("references.ndjson", NDJSON, "References cited by approved claims, one per line."),
        Export(
            "generifs.tsv",
            TSV,
            "Approved claims citing PubMed papers, in NCBI's generifs_basic layout.",
            GENERIF_COLUMNS,
        ),
        Export("genes.ndjson", NDJSON, "Every gene of the catalogue, one Gene JSON per line."),
    )
}


def stream(name, since=None, *, chunk_size=CHUNK_SIZE, use_copy=None):
    """The export `name` as chunks of about `chunk_size` bytes, header first.

    `since` is an aware datetime or None. `use_copy` picks the PostgreSQL COPY
    path (default: whenever the database is PostgreSQL).
    """
    export = EXPORTS[name]
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    if export.header_line:
        yield export.header_line
    pieces = _copy(name, since) if use_copy else _lines(name, since)
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= chunk_size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def escape_tsv(value):
    """One TSV field in PostgreSQL's COPY text escaping; None is an empty field."""
    if value is None:
        return ""
    return str(value).translate(_TSV_ESCAPES)


def unescape_tsv(field):
    return _TSV_UNESCAPE.sub(lambda m: _TSV_UNESCAPES[m.group(1)], field)


_TSV_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
)
_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_TSV_UNESCAPE = re.compile(r"\\([\\tnrbfv])")


# PostgreSQL: the database writes each line; COPY sends them.

# JSON never holds a raw control character, so with these two as quote and
# delimiter COPY's CSV mode writes each JSON text exactly as it is.
_COPY_JSON = "COPY ({}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
_COPY_TSV = "COPY ({}) TO STDOUT WITH (FORMAT text, NULL '')"


def copy_statement(name, since=None):
    """The COPY statement of an export and its parameters (psql's \\copy runs the same)."""
    select, params = SELECTS[name](since)
    template = _COPY_JSON if name.endswith(".ndjson") else _COPY_TSV
    return template.format(select), params


def _copy(name, since):
    statement, params = copy_statement(name, since)
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params or None) as copy:
        yield from copy


def _tables():
    return {
        "claim": Claim._meta.db_table,
        "citation": Citation._meta.db_table,
        "reference": Reference._meta.db_table,
        "gene": Gene._meta.db_table,
        "name": GeneName._meta.db_table,
        "mentioned": Claim.mentioned_genes.through._meta.db_table,
        "user": Claim._meta.get_field("author").related_model._meta.db_table,
    }


def _sql_value(column, kind):
    if kind == "text":
        return f"NULLIF({column}, '')"
    if kind == "id":
        return f"{column}::text"
    if kind == "date":
        return f"to_char({column}, 'YYYY-MM-DD')"
    if kind == "datetime":
        return _sql_time(column)
    return column


def _sql_time(column, pattern=PG_TIME_FORMAT):
    return f"to_char({column} AT TIME ZONE 'UTC', '{pattern}')"


def _sql_object(pairs):
    return "jsonb_build_object(" + ", ".join(f"'{key}', {value}" for key, value in pairs) + ")"


def _sql_reference(alias):
    return _sql_object(
        (name, _sql_value(f"{alias}.{name}", kind)) for name, kind in REFERENCE_FIELDS
    )


# Each claim with its gene (g), author (a) and reviewer (rv).
_CLAIMS = (
    "{claim} c JOIN {gene} g ON g.id = c.gene_id"
    " JOIN {user} a ON a.id = c.author_id LEFT JOIN {user} rv ON rv.id = c.reviewer_id"
)


def _claim_filter(since, t):
    where = f"c.status = '{Status.APPROVED}'"
    if since is None:
        return where, []
    where += (
        " AND (c.updated_at >= %s OR EXISTS (SELECT 1 FROM {citation} ci JOIN {reference} r"
        " ON r.id = ci.reference_id WHERE ci.claim_id = c.id AND r.updated_at >= %s))"
    ).format(**t)
    return where, [since, since]


def _select_claims_json(since):
    t = _tables()
    where, params = _claim_filter(since, t)
    citations = _sql_object(
        (
            ("reference", _sql_reference("r")),
            ("position", "ci.position"),
            ("stance", "ci.stance"),
            ("locator", "NULLIF(ci.locator, '')"),
            ("quote", "NULLIF(ci.quote, '')"),
        )
    )
    claim = _sql_object(
        (
            ("id", "c.id"),
            ("gene", "g.symbol"),
            ("section", "c.section"),
            ("text", "NULLIF(c.text, '')"),
            ("status", "c.status"),
            ("version", "c.version"),
            ("position", "c.position"),
            ("evidence_type", "NULLIF(c.evidence_type, '')"),
            ("organism", "NULLIF(c.organism, '')"),
            (
                "mentioned_genes",
                'COALESCE((SELECT jsonb_agg(mg.symbol ORDER BY mg.symbol COLLATE "C")'
                " FROM {mentioned} m JOIN {gene} mg ON mg.id = m.gene_id"
                " WHERE m.claim_id = c.id), '[]'::jsonb)".format(**t),
            ),
            (
                "citations",
                f"COALESCE((SELECT jsonb_agg({citations} ORDER BY ci.position, ci.id)"
                " FROM {citation} ci JOIN {reference} r ON r.id = ci.reference_id"
                " WHERE ci.claim_id = c.id), '[]'::jsonb)".format(**t),
            ),
            ("author", "a.username"),
            ("reviewer", "rv.username"),
            ("supersedes", "c.supersedes_id"),
            ("submitted_at", _sql_time("c.submitted_at")),
            ("decided_at", _sql_time("c.decided_at")),
            ("updated_at", _sql_time("c.updated_at")),
            ("flags", "c.flags"),
        )
    )
    select = f"SELECT {claim}::text FROM {_CLAIMS} WHERE {where} ORDER BY c.id".format(**t)
    return select, params


def _select_claims_tsv(since):
    t = _tables()
    where, params = _claim_filter(since, t)
    select = (
        "SELECT c.id, g.symbol, g.ncbi_gene_id, c.section, c.position, c.text,"
        " c.evidence_type, c.organism,"
        " (SELECT string_agg(mg.symbol, ',' ORDER BY mg.symbol COLLATE \"C\")"
        "  FROM {mentioned} m JOIN {gene} mg ON mg.id = m.gene_id WHERE m.claim_id = c.id),"
        " (SELECT string_agg(r.pmid::text, ',' ORDER BY ci.position, ci.id)"
        "  FROM {citation} ci JOIN {reference} r ON r.id = ci.reference_id"
        "  WHERE ci.claim_id = c.id AND r.pmid IS NOT NULL),"
        " (SELECT string_agg(ci.reference_id::text, ',' ORDER BY ci.position, ci.id)"
        "  FROM {citation} ci WHERE ci.claim_id = c.id),"
        " a.username, rv.username, c.supersedes_id, c.version,"
        f" {_sql_time('c.submitted_at')}, {_sql_time('c.decided_at')},"
        f" {_sql_time('c.updated_at')}"
        f" FROM {_CLAIMS} WHERE {where} ORDER BY c.id"
    ).format(**t)
    return select, params


def _select_generifs(since):
    t = _tables()
    where, params = _claim_filter(since, t)
    select = (
        f"SELECT {HUMAN_TAX_ID}, g.ncbi_gene_id, p.pmids,"
        f" {_sql_time('c.updated_at', PG_GENERIF_TIME_FORMAT)}, c.text"
        " FROM {claim} c JOIN {gene} g ON g.id = c.gene_id"
        " JOIN LATERAL (SELECT string_agg(r.pmid::text, ',' ORDER BY ci.position, ci.id) pmids"
        "  FROM {citation} ci JOIN {reference} r ON r.id = ci.reference_id"
        "  WHERE ci.claim_id = c.id AND r.pmid IS NOT NULL) p ON p.pmids IS NOT NULL"
        f" WHERE {where} ORDER BY g.ncbi_gene_id, c.id"
    ).format(**t)
    return select, params


def _select_references(since):
    t = _tables()
    cited = (
        "EXISTS (SELECT 1 FROM {citation} ci JOIN {claim} c ON c.id = ci.claim_id"
        " WHERE ci.reference_id = r.id AND c.status = %s{changed})"
    )
    params = [Status.APPROVED]
    where = cited.format(changed="", **t)
    if since is not None:
        where += " AND (r.updated_at >= %s OR " + cited.format(
            changed=" AND c.updated_at >= %s", **t
        )
        where += ")"
        params += [since, Status.APPROVED, since]
    select = (
        f"SELECT {_sql_reference('r')}::text FROM {{reference}} r WHERE {where} ORDER BY r.id"
    ).format(**t)
    return select, params


def _select_genes(since):
    def names(kinds, value):
        kinds = ", ".join(f"'{kind}'" for kind in kinds)
        order = 'n.kind COLLATE "C", n.name COLLATE "C"'
        return (
            f"COALESCE((SELECT jsonb_agg({value} ORDER BY {order}) FROM {{name}} n"
            f" WHERE n.gene_id = g.id AND n.kind IN ({kinds})), '[]'::jsonb)"
        )

    discontinued = _sql_object(
        (
            ("name", "n.name"),
            ("kind", "n.kind"),
            ("discontinued_on", _sql_value("n.discontinued_on", "date")),
        )
    )
    # As gene_json: these fields, then each other one from its column (tables named at the end).
    values = {
        "aliases": names([GeneName.Kind.ALIAS], "n.name"),
        "previous_symbols": names([GeneName.Kind.PREVIOUS], "n.name"),
        "discontinued_names": names(DISCONTINUED_KINDS, discontinued),
        "replaced_by": "(SELECT r.ncbi_gene_id::text FROM {gene} r WHERE r.id = g.replaced_by_id)",
        "url": "'/genes/' || g.symbol || '/'",
    }
    pairs = [
        (name, values[name] if name in values else _sql_value(f"g.{name}", kind))
        for name, kind in GENE_FIELDS
    ]
    where, params = "", []
    if since is not None:
        where, params = " WHERE g.updated_at >= %s", [since]
    select = f"SELECT {_sql_object(pairs)}::text FROM {{gene}} g{where} ORDER BY g.ncbi_gene_id"
    return select.format(**_tables()), params


SELECTS = {
    "claims.ndjson": _select_claims_json,
    "claims.tsv": _select_claims_tsv,
    "references.ndjson": _select_references,
    "generifs.tsv": _select_generifs,
    "genes.ndjson": _select_genes,
}


# Any database: the ORM reads in batches and Python writes the same bytes.


def approved_claims(since=None):
    claims = Claim.objects.public()
    if since is not None:
        changed_reference = Citation.objects.filter(
            claim=OuterRef("pk"), reference__updated_at__gte=since
        )
        claims = claims.filter(Q(updated_at__gte=since) | Exists(changed_reference))
    return claims


def exported_references(since=None):
    approved = Claim.objects.public()
    references = Reference.objects.filter(
        Exists(approved.filter(citations__reference=OuterRef("pk")))
    )
    if since is not None:
        changed_claim = approved.filter(citations__reference=OuterRef("pk"), updated_at__gte=since)
        references = references.filter(Q(updated_at__gte=since) | Exists(changed_claim))
    return references.order_by("id")


def exported_genes(since=None):
    genes = Gene.objects.select_related("replaced_by").prefetch_related(
        Prefetch("names", queryset=GeneName.objects.order_by())
    )
    if since is not None:
        genes = genes.filter(updated_at__gte=since)
    return genes.order_by("ncbi_gene_id")


def _claims_with_citations(since):
    return (
        approved_claims(since)
        .select_related("gene", "author", "reviewer")
        .prefetch_related(
            _citations(), Prefetch("mentioned_genes", queryset=Gene.objects.order_by())
        )
        .order_by("id")
        .iterator(chunk_size=ORM_BATCH)
    )


def _citations():
    # In the order the SQL path aggregates them.
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("reference").order_by("position", "id"),
    )


def _lines(name, since):
    if name == "claims.ndjson":
        for claim in _claims_with_citations(since):
            yield json_line(claim_json(claim))
    elif name == "references.ndjson":
        for reference in exported_references(since).iterator(chunk_size=ORM_BATCH):
            yield json_line(reference_json(reference))
    elif name == "claims.tsv":
        for claim in _claims_with_citations(since):
            yield tsv_line(claim_row(claim))
    elif name == "genes.ndjson":
        for gene in exported_genes(since).iterator(chunk_size=ORM_BATCH):
            yield json_line(gene_json(gene))
    else:
        rows = (generif_row(claim) for claim in _generif_claims(since))
        yield from (tsv_line(row) for row in rows if row[2])


def _generif_claims(since):
    # Sorted like the PostgreSQL path: by Gene ID, then claim.
    return (
        approved_claims(since)
        .select_related("gene")
        .prefetch_related(_citations())
        .order_by("gene__ncbi_gene_id", "id")
        .iterator(chunk_size=ORM_BATCH)
    )


def json_line(value):
    return (json.dumps(_jsonb_order(value), ensure_ascii=False) + "\n").encode()


def tsv_line(values):
    return ("\t".join(escape_tsv(v) for v in values) + "\n").encode()


def _jsonb_order(value):
    """`value` with object keys in jsonb's order (length, then bytes), as PostgreSQL writes it."""
    if isinstance(value, dict):
        return {key: _jsonb_order(value[key]) for key in sorted(value, key=_jsonb_key)}
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    return value


def _jsonb_key(key):
    encoded = key.encode()
    return len(encoded), encoded


def _time(value, pattern=TIME_FORMAT):
    return value.astimezone(dt_timezone.utc).strftime(pattern) if value else None


def _python_value(value, kind):
    if kind == "text":
        return value or None
    if kind == "id":
        return None if value is None else str(value)
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "datetime":
        return _time(value)
    return value


def reference_json(reference):
    return {name: _python_value(getattr(reference, name), kind) for name, kind in REFERENCE_FIELDS}


def claim_json(claim):
    return {
        "id": claim.pk,
        "gene": claim.gene.symbol,
        "section": claim.section,
        "text": claim.text or None,
        "status": claim.status,
        "version": claim.version,
        "position": claim.position,
        "evidence_type": claim.evidence_type or None,
        "organism": claim.organism or None,
        "mentioned_genes": sorted(g.symbol for g in claim.mentioned_genes.all()),
        "citations": [
            {
                "reference": reference_json(c.reference),
                "position": c.position,
                "stance": c.stance,
                "locator": c.locator or None,
                "quote": c.quote or None,
            }
            for c in claim.citations.all()
        ],
        "author": claim.author.username,
        "reviewer": claim.reviewer.username if claim.reviewer else None,
        "supersedes": claim.supersedes_id,
        "submitted_at": _time(claim.submitted_at),
        "decided_at": _time(claim.decided_at),
        "updated_at": _time(claim.updated_at),
        "flags": claim.flags,
    }


def gene_json(gene):
    names = sorted(gene.names.all(), key=lambda n: (n.kind, n.name))
    values = {
        "aliases": [n.name for n in names if n.kind == GeneName.Kind.ALIAS],
        "previous_symbols": [n.name for n in names if n.kind == GeneName.Kind.PREVIOUS],
        "discontinued_names": [
            {
                "name": n.name,
                "kind": n.kind,
                "discontinued_on": _python_value(n.discontinued_on, "date"),
            }
            for n in names
            if n.kind in DISCONTINUED_KINDS
        ],
        "replaced_by": str(gene.replaced_by.ncbi_gene_id) if gene.replaced_by_id else None,
        "url": gene.get_absolute_url(),
    }
    return {
        name: values[name] if name in values else _python_value(getattr(gene, name), kind)
        for name, kind in GENE_FIELDS
    }


def _joined(values):
    return ",".join(str(v) for v in values) or None


def _pmids(citations):
    return _joined(c.reference.pmid for c in citations if c.reference.pmid)


def claim_row(claim):
    citations = list(claim.citations.all())
    return (
        claim.pk,
        claim.gene.symbol,
        claim.gene.ncbi_gene_id,
        claim.section,
        claim.position,
        claim.text,
        claim.evidence_type,
        claim.organism,
        _joined(sorted(g.symbol for g in claim.mentioned_genes.all())),
        _pmids(citations),
        _joined(c.reference_id for c in citations),
        claim.author.username,
        claim.reviewer.username if claim.reviewer else None,
        claim.supersedes_id,
        claim.version,
        _time(claim.submitted_at),
        _time(claim.decided_at),
        _time(claim.updated_at),
    )


def generif_row(claim):
    return (
        HUMAN_TAX_ID,
        claim.gene.ncbi_gene_id,
        _pmids(claim.citations.all()),
        _time(claim.updated_at, GENERIF_TIME_FORMAT),
        claim.text,
    )
