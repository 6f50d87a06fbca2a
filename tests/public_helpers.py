"""Helpers for the public page tests: the demo data, big genes, the page as text."""

import io
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from curation.models import Citation, Claim, Section, Status
from references.models import Reference
from tests.factories import make_gene


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no cached page or stamp, so query counts do not depend on order."""
    cache.clear()
    yield
    cache.clear()


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def text_of(html):
    """The text of an HTML fragment as a reader sees it, white space collapsed."""
    if isinstance(html, bytes):
        html = html.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def between(html, start, end):
    """The part of `html` from the first `start` to the next `end`."""
    html = html.decode() if isinstance(html, bytes) else html
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def make_gene_with_claims(n, symbol="BIG1", *, shared_every=0, sections=tuple(Section.values)):
    """A gene with `n` approved claims, each citing its own reference, written in bulk.

    With `shared_every`, every claim also cites one common reference, so that
    reference gets one number and n back-links. Mentioned genes: one, on every claim.
    """
    gene = make_gene(symbol)
    other = make_gene(f"{symbol}PARTNER")
    author = User.objects.get_or_create(username="bulk-author")[0]
    now = timezone.now()
    claims = Claim.objects.bulk_create(
        Claim(
            gene=gene,
            section=sections[i % len(sections)],
            position=i,
            text=f"Claim {i} about {symbol} and {other.symbol}.",
            status=Status.APPROVED,
            author=author,
            submitted_at=now,
            decided_at=now,
        )
        for i in range(n)
    )
    references = Reference.objects.bulk_create(
        Reference(
            pmid=40_000_000 + gene.pk * 10_000 + i,
            title=f"Paper {i} on {symbol}",
            authors=[{"family": f"Author{j}", "initials": "A"} for j in range(8)],
            journal="Journal of Tests",
            volume="1",
            issue="2",
            pages="10-20",
            published="2020-05",
            year=2020,
            fetch_status=Reference.FetchStatus.FETCHED,
        )
        for i in range(n)
    )
    citations = [Citation(claim=c, reference=r) for c, r in zip(claims, references, strict=True)]
    if shared_every:
        common = Reference.objects.create(title=f"Review of {symbol}", pmid=39_999_999 - gene.pk)
        citations += [
            Citation(claim=c, reference=common, position=1) for c in claims[::shared_every]
        ]
    Citation.objects.bulk_create(citations)
    Claim.mentioned_genes.through.objects.bulk_create(
        Claim.mentioned_genes.through(claim=c, gene=other) for c in claims
    )
    return gene
