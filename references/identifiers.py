"""Normalise the identifiers of citable works: PMID, DOI and PMCID.

Plain functions with no Django imports, shared by the models, importers,
forms and the API. Each raises ValueError with a message a curator can act on.
"""

import re

DOI_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|https?://doi\.org/)", re.I)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMCID_RE = re.compile(r"^(?:PMC)?(\d{1,10})$", re.I)
PMID_RE = re.compile(r"^(?:PMID:?\s*)?(\d{1,10})(?:\.\d+)?$", re.I)


def normalize_pmid(value):
    """'PMID: 9822609', '9822609' or 9822609 -> 9822609 (an int)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 0:
            return value
        raise ValueError(f"{value} is not a PMID: PMIDs are positive whole numbers.")
    text = str(value or "").strip()
    match = PMID_RE.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a PMID: PMIDs are positive whole numbers.")
    return int(match.group(1))


def normalize_doi(value):
    """'https://doi.org/10.1038/NM.2830' or 'doi:10.1038/nm.2830' -> '10.1038/nm.2830'.

    DOIs are case-insensitive, so the lower-case form is the one stored.
    """
    text = DOI_PREFIXES.sub("", str(value or "").strip()).strip().rstrip(".").lower()
    if not DOI_RE.match(text):
        raise ValueError(f"{value!r} is not a DOI: a DOI looks like 10.1038/nm.2830.")
    return text


def normalize_pmcid(value):
    """'pmc1171011', 'PMC1171011' or '1171011' -> 'PMC1171011'."""
    text = str(value or "").strip()
    match = PMCID_RE.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not a PMCID: a PMCID looks like PMC1171011.")
    return f"PMC{int(match.group(1))}"
