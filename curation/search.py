"""Search: genes by symbol, alias and name, claims by their text.

On PostgreSQL claims are matched and ranked by full-text search (the index of
migration 0003 serves the match); on SQLite every word must appear in the
text. Either way each result carries `highlighted`: its text as safe HTML
with the matches in <mark>.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from curation.models import Claim
from genes.models import Gene, GeneName

SEARCH_CONFIG = "english"
# Private-use characters around matches: ts_headline does not escape the text, so
# the markers are put in as plain characters and become <mark> after escaping.
START, STOP = "\ue000", "\ue001"


def search_genes(query):
    """Genes answering to `query`: exact symbol, exact other name, symbol prefix, then the rest."""
    upper = query.upper()
    named = GeneName.objects.filter(gene=OuterRef("pk"))
    return (
        Gene.objects.filter(
            Q(symbol__icontains=query)
            | Q(name__icontains=query)
            | Exists(named.filter(name_upper__contains=upper))
        )
        .annotate(
            rank=Case(
                When(symbol__iexact=query, then=Value(0)),
                When(Exists(named.filter(name_upper=upper)), then=Value(1)),
                When(symbol__istartswith=query, then=Value(2)),
                When(name__iexact=query, then=Value(3)),
                default=Value(4),
                output_field=IntegerField(),
            )
        )
        .only("symbol", "name", "location")
        .order_by("rank", "symbol")
    )


def search_claims(query):
    """Approved claims matching `query`, best first, each with `highlighted` text."""
    claims = Claim.objects.public().select_related("gene").only("id", "text", "gene__symbol")
    if connection.vendor == "postgresql":
        return _ranked(claims, query)
    return _matching(claims, query)


def search_vector():
    """The expression the GIN index of migration 0003 is built on: keep them identical."""
    return SearchVector("text", config=SEARCH_CONFIG)


def _ranked(claims, query):
    terms = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return _Highlighted(
        claims.annotate(
            document=search_vector(),
            rank=SearchRank(search_vector(), terms),
            headline=SearchHeadline(
                "text",
                terms,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            ),
        )
        .filter(document=terms)
        .order_by("-rank", "-decided_at", "-id"),
        lambda claim: _marked(escape(claim.headline)),
    )


def _matching(claims, query):
    words = [word.strip('"') for word in query.split()]
    words = [word for word in words if word][:10]
    if not words:
        return _Highlighted(claims.none(), None)
    for word in words:
        claims = claims.filter(text__icontains=word)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return _Highlighted(
        claims.order_by("-decided_at", "-id"), lambda claim: _mark_words(claim.text, pattern)
    )


def _mark_words(text, pattern):
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), format_html("<mark>{}</mark>", match[0])]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def _marked(escaped):
    return mark_safe(str(escaped).replace(START, "<mark>").replace(STOP, "</mark>"))


class _Highlighted:
    """A queryset for the Paginator whose items gain `highlighted` once sliced."""

    def __init__(self, queryset, highlight):
        self.queryset, self.highlight = queryset, highlight

    def count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        items = list(self.queryset[index])
        for item in items:
            item.highlighted = self.highlight(item)
        return items
