"""Pieces of citations shared by the parsers: person names, dates and page ranges."""

import re
from datetime import date

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")
# Lower-case words that belong to the family name: "Ludwig van Beethoven".
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le"}


def normalize_dashes(text):
    return DASHES.sub("-", text)


def squash(text):
    """Collapse runs of white space (newlines included) into single spaces."""
    return " ".join(text.split())


def shorten(text, width=60):
    text = squash(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _is_initials(token):
    letters = token.replace(".", "")
    return 0 < len(letters) <= 3 and letters.isalpha() and letters.isupper()


def _initials(tokens):
    letters = []
    for token in tokens:
        if _is_initials(token):
            letters.append(token.replace(".", ""))
        else:
            letters.extend(
                part[0].upper() for part in re.split(r"-", normalize_dashes(token)) if part
            )
    return "".join(letters)


def person_given_first(text):
    """'Shun Lu' -> Lu, Shun, S; 'D S Gill' -> Gill, initials DS; 'Bradley N Bidwell' -> BN."""
    tokens = text.split()
    if not tokens:
        return None
    family = [tokens.pop()]
    while tokens and tokens[-1] in PARTICLES:
        family.insert(0, tokens.pop())
    only_initials = all(_is_initials(token) for token in tokens)
    return {
        "family": " ".join(family),
        "given": "" if only_initials else " ".join(tokens),
        "initials": _initials(tokens),
    }


def person_family_first(text):
    """Vancouver style: 'Marié I' -> Marié, initials I; 'Bidwell' -> Bidwell.

    Anything else with several words ('IRF7 Consortium') is a collective name.
    """
    tokens = text.split()
    if not tokens:
        return None
    if len(tokens) == 1:
        return {"family": tokens[0], "given": "", "initials": ""}
    if _is_initials(tokens[-1]):
        return {
            "family": " ".join(tokens[:-1]),
            "given": "",
            "initials": tokens[-1].replace(".", ""),
        }
    return {"collective": " ".join(tokens)}


def split_authors(text, parse_name):
    """'A B, C D, et al.' -> [parsed A B, parsed C D]: the list is cut, not invented."""
    text = re.sub(r",?\s*et al\.?\s*$", "", text.strip())
    return [author for author in (parse_name(part) for part in text.split(",")) if author]


def parse_date(text):
    """A citation's date as (ISO date at its precision, year).

    'November 1998' -> ('1998-11', 1998); '2012 Jul 22' -> ('2012-07-22', 2012);
    '(2012)' -> ('2012', 2012). A range ('2007 Aug-Sep') keeps only its year.
    """
    tokens = re.findall(r"[^\W\d_]+|\d+", text)
    years = [int(t) for t in tokens if len(t) == 4 and t.isdigit()]
    if len(years) != 1:
        return "", None
    year = years[0]
    months = [MONTHS[t[:3].lower()] for t in tokens if t.isalpha() and t[:3].lower() in MONTHS]
    days = [int(t) for t in tokens if t.isdigit() and len(t) <= 2]
    others = [t for t in tokens if t.isalpha() and t[:3].lower() not in MONTHS]
    if len(months) != 1 or others:
        return str(year), year
    if len(days) == 1:
        try:
            return date(year, months[0], days[0]).isoformat(), year
        except ValueError:
            pass
    return f"{year}-{months[0]:02d}", year
