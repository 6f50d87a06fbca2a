"""A Reference as BibTeX, RIS and CSL-JSON, for reference managers.

Plain functions of a Reference's fields: no database query beyond the
object, no network. Personal authors are "Family, Given"; a collective
author (a consortium) is kept whole (braced in BibTeX, a literal in CSL).
"""

import json
import re
import unicodedata

BIBTEX_TYPES = {"article": "article", "book": "book", "database": "misc", "web": "misc"}
RIS_TYPES = {"article": "JOUR", "book": "BOOK", "database": "DBASE", "web": "ELEC"}
CSL_TYPES = {"article": "article-journal", "book": "book", "database": "dataset", "web": "webpage"}

# BibTeX's special characters; the backslash first so later escapes are not escaped again.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in _BIBTEX_ESCAPES))
_SPACE = re.compile(r"\s+")


def bibtex_escape(text):
    """Text safe inside a braced BibTeX value (UTF-8 kept; biber and bibtex8 read it)."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group(0)], one_line(text))


def bibtex_verbatim(text):
    """A url or doi value: read verbatim by biblatex, so only unbalanced braces are dropped."""
    return re.sub(r"[{}\s]", "", str(text or ""))


def one_line(text):
    return _SPACE.sub(" ", str(text or "")).strip()


def citation_key(reference):
    """First author's family name and the year, then the PMID or our id: Honda2005_15800576."""
    first = (reference.authors or [{}])[0]
    name = first.get("family") or first.get("collective") or "ref"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"[^A-Za-z0-9]", "", ascii_name)[:30] or "ref"
    return f"{name}{reference.year or ''}_{reference.pmid or f'id{reference.pk}'}"


def _author_name(author, *, brace_collective=False):
    if author.get("collective"):
        name = one_line(author["collective"])
        return f"{{{bibtex_escape(name)}}}" if brace_collective else name
    family, given = one_line(author.get("family")), one_line(author.get("given"))
    if brace_collective:
        family, given = bibtex_escape(family), bibtex_escape(given)
    return f"{family}, {given}" if given else family


def _page_range(pages):
    first, _, last = (pages or "").partition("-")
    return first.strip(), last.strip()


def _link(reference):
    return reference.url or reference.pubmed_url or reference.doi_url


def _date_parts(reference):
    published = reference.published or (str(reference.year) if reference.year else "")
    return [int(part) for part in published.split("-") if part.isdigit()]


def bibtex(reference):
    fields = [
        (
            "author",
            " and ".join(_author_name(a, brace_collective=True) for a in reference.authors),
        ),
        ("title", bibtex_escape(reference.title)),
        ("journal", bibtex_escape(reference.journal)),
        ("year", str(reference.year or "")),
        ("volume", bibtex_escape(reference.volume)),
        ("number", bibtex_escape(reference.issue)),
        ("pages", bibtex_escape(reference.pages).replace("-", "--")),
        ("doi", bibtex_verbatim(reference.doi)),
        ("pmid", str(reference.pmid or "")),
        ("pmcid", bibtex_escape(reference.pmcid)),
        ("url", bibtex_verbatim(_link(reference))),
        ("language", bibtex_escape(reference.language)),
    ]
    month = _date_parts(reference)[1:2]
    if month:
        fields.insert(4, ("month", str(month[0])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    entry_type = BIBTEX_TYPES.get(reference.kind, "misc")
    return f"@{entry_type}{{{citation_key(reference)},\n{body}\n}}\n"


def ris(reference):
    """RIS lines ("TAG  - value"), CRLF-terminated as the format asks."""
    lines = [("TY", RIS_TYPES.get(reference.kind, "GEN"))]
    lines += [("AU", _author_name(a)) for a in reference.authors]
    first, last = _page_range(reference.pages)
    parts = _date_parts(reference)
    lines += [
        ("TI", reference.title),
        ("T2", reference.journal),
        ("J2", reference.journal_abbrev),
        ("VL", reference.volume),
        ("IS", reference.issue),
        ("SP", first),
        ("EP", last),
        ("PY", str(reference.year or "")),
        ("DA", "/".join(f"{p:02d}" for p in parts) + "/" if parts else ""),
        ("DO", reference.doi),
        ("AN", f"PMID:{reference.pmid}" if reference.pmid else ""),
        ("C2", reference.pmcid),
        ("UR", _link(reference)),
        ("LA", reference.language),
        ("AB", reference.abstract),
    ]
    text = "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines if one_line(value))
    return text + "ER  - \r\n"


def csl_item(reference):
    """One CSL-JSON item (a dict), with only the variables the reference has."""
    authors = [
        {"literal": a["collective"]}
        if a.get("collective")
        else {k: v for k, v in (("family", a.get("family")), ("given", a.get("given"))) if v}
        for a in reference.authors
    ]
    parts = _date_parts(reference)
    if parts:
        issued = {"date-parts": [parts]}
    elif reference.medline_date:
        issued = {"literal": reference.medline_date}
    else:
        issued = None
    item = {
        "id": f"pmid:{reference.pmid}" if reference.pmid else f"ref:{reference.pk}",
        "type": CSL_TYPES.get(reference.kind, "article"),
        "title": reference.title,
        "author": authors,
        "container-title": reference.journal,
        "container-title-short": reference.journal_abbrev,
        "volume": reference.volume,
        "issue": reference.issue,
        "page": reference.pages,
        "issued": issued,
        "DOI": reference.doi,
        "PMID": str(reference.pmid) if reference.pmid else "",
        "PMCID": reference.pmcid,
        "URL": _link(reference),
        "abstract": reference.abstract,
        "language": reference.language,
    }
    return {key: value for key, value in item.items() if value not in (None, "", [])}


def csl_json(reference):
    """A CSL-JSON document: a list holding the one item."""
    return json.dumps([csl_item(reference)], ensure_ascii=False, indent=2) + "\n"


# fmt (the URL's file extension): (function, content type)
FORMATS = {
    "bib": (bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (ris, "application/x-research-info-systems; charset=utf-8"),
    "csl.json": (csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
