"""Plain factories for tests: make_* functions with sensible defaults."""

import itertools

from django.contrib.auth.models import Group, User

from curation.models import Claim
from genes.models import Gene
from references.models import Reference

_counter = itertools.count(1)


def make_user(username, *groups, **fields):
    user = User.objects.create_user(username=username, password="pw-" + username, **fields)
    if groups:
        user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_gene(symbol=None, **fields):
    n = next(_counter)
    symbol = symbol or f"GENE{n}"
    fields.setdefault("ncbi_gene_id", 900000 + n)
    fields.setdefault("name", f"test gene {symbol}")
    return Gene.objects.create(symbol=symbol, **fields)


def make_reference(**fields):
    if not any(fields.get(k) for k in ("pmid", "doi", "pmcid", "url")):
        fields["pmid"] = 30000000 + next(_counter)
    fields.setdefault("title", f"A paper about genes {next(_counter)}")
    fields.setdefault("fetch_status", Reference.FetchStatus.FETCHED)
    return Reference.objects.create(**fields)


def make_claim(
    author, gene=None, *, text="IRF7 regulates interferon-alpha genes.", references=None, **fields
):
    """A draft claim written by `author`, citing one fetched reference unless told otherwise."""
    if references is None:
        references = [make_reference()]
    return Claim.objects.create_draft(
        author=author, gene=gene or make_gene(), text=text, citations=references, **fields
    )


def make_submitted_claim(author, **kwargs):
    claim = make_claim(author, **kwargs)
    claim.submit(author)
    return claim


def make_approved_claim(author, reviewer, **kwargs):
    claim = make_submitted_claim(author, **kwargs)
    claim.approve(reviewer)
    return claim


def make_gene_with_claims(n, symbol="BIG1", *, shared_every=0, sections=None):
    """A gene with `n` approved claims, each citing its own reference, written in bulk.

    With `shared_every`, every claim also cites one common reference, so that
    reference gets one number and n back-links. Mentioned genes: one, on every claim.
    """
    # Imported here so that this addition touches no line above (other branches edit them).
    from django.utils import timezone

    from curation.models import Citation, Section, Status

    sections = sections or tuple(Section.values)
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
