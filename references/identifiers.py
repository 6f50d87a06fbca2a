"""Normalise the identifiers of citable works: PMID, DOI and PMCID.

Plain functions with no Django imports, shared by the models, importers,
forms and the API. Each raises ValueError with a message a curator can act on.
"""

import re

DOI_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|https?://doi\.org/)", re.I)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMCID_RE = re.compile(r"^(?:PMCID:?\s*)?(?:PMC)?(\d{1,10})$", re.I)
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


PUBMED_URL_RE = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d+)/?$", re.I
)
PMC_URL_RE = re.compile(
    r"^https?://(?:www\.|pmc\.)?ncbi\.nlm\.nih\.gov/(?:pmc/)?articles/(PMC\d+)/?$", re.I
)


def parse_identifier(value):
    """What a curator typed -> ("pmid", 9822609), ("doi", "10.1038/nm.2830") or ("pmcid", "PMC1171011").

    Accepts the bare forms, their usual prefixes ("PMID:", "doi:") and PubMed, PMC and
    doi.org links.
    """
    text = str(value or "").strip()
    if match := PUBMED_URL_RE.match(text):
        return "pmid", normalize_pmid(match.group(1))
    if match := PMC_URL_RE.match(text):
        return "pmcid", normalize_pmcid(match.group(1))
    if text.upper().startswith("PMC"):
        return "pmcid", normalize_pmcid(text)
    if PMID_RE.match(text):
        return "pmid", normalize_pmid(text)
    if "10." in text:
        return "doi", normalize_doi(text)
    raise ValueError(
        f"{text!r} is not a PMID (9822609), a DOI (10.1038/nm.2830) or a PMCID (PMC1171011)."
    )


def split_identifiers(text):
    """Several identifiers typed at once, separated by spaces, new lines, commas or semicolons.

    DOIs may hold commas and semicolons themselves, so only a separator followed by
    white space or the end of the text splits.
    """
    # "PMID: 9822609" is one identifier: its prefix is not a separate word.
    text = re.sub(r"(?i)\b(pmid|doi|pmcid)\s*:\s*", r"\1:", str(text or "").strip())
    return [part for part in re.split(r"[,;]?\s+|[,;]$", text) if part]
