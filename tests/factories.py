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
