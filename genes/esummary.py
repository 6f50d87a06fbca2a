"""Read one E-utilities esummary document (db=gene, retmode=json) into gene values.

A plain module: no ORM, no network. The document's shape is the one in
../shared/fixtures/ncbi/esummary_gene_json_10_uids_2015.json: `name` is the
symbol, `description` the full name, `otheraliases` comma-separated, `mim` a
list, `status` 0 for a live record, 1 when it was replaced by `currentid`, 2
when it was discontinued (NCBI sends these as integers or strings).
"""

from genes.models import GeneName


def parse_summary(document):
    """{"values": gene field values, "names": [(kind, name)], "taxid", "organism",
    "replaced_by": Gene ID or None, "discontinued": bool}."""
    organism = document.get("organism") or {}
    status = _int(document.get("status"))
    current = _int(document.get("currentid"))
    uid = _int(document.get("uid"))
    values = {
        "symbol": _text(document.get("nomenclaturesymbol")) or _text(document.get("name")),
        "name": _text(document.get("nomenclaturename")) or _text(document.get("description")),
        "chromosome": _text(document.get("chromosome")),
        "location": _text(document.get("maplocation")),
        "mim_ids": [str(m).strip() for m in document.get("mim") or [] if str(m).strip()],
        "description": _text(document.get("summary")),
    }
    aliases = [a.strip() for a in _text(document.get("otheraliases")).split(",")]
    return {
        "values": values,
        "names": [(GeneName.Kind.ALIAS, a) for a in aliases if a],
        "taxid": _int(organism.get("taxid")),
        "organism": _text(organism.get("scientificname")),
        "replaced_by": current if status == 1 and current and current != uid else None,
        "discontinued": status == 2,
    }


def _text(value):
    return str(value).strip() if value is not None else ""


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
