"""The load test's view of the stack's database, run as `python -m loadtest.stack_data COMMAND`
with the stack's environment (loadtest.run does it). Prints JSON on stdout.

- `accounts CURATORS REVIEWERS`: make the load test's curators and reviewers, each with an
  API token, and list the genes, references and PMIDs the users will read and cite.
- `facts`: the claims approved by the load test's reviewers, and every reference its
  users' claims cite, with its fetch state, for the checks after the run.
- `static-fingerprint`: a digest of every static source file, so a collected STATIC_ROOT
  can be reused while nothing changed.
"""

import hashlib
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.staticfiles.finders import get_finders  # noqa: E402
from django.db import transaction  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from curation.models import Action, Claim, ReviewEvent  # noqa: E402
from genes.models import Gene  # noqa: E402
from references.models import Reference  # noqa: E402

PREFIX = "load-"


@transaction.atomic
def accounts(curators, reviewers):
    def make(role, group, count):
        made = []
        for n in range(1, count + 1):
            username = f"{PREFIX}{role}-{n}"
            # An e-mail address, so that every decision sends its notice as in production.
            user = User.objects.create(username=username, email=f"{username}@example.org")
            user.set_unusable_password()
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            made.append({"username": username, "token": Token.objects.create(user=user).key})
        return made

    return {
        "curators": make("curator", "curators", curators),
        "reviewers": make("reviewer", "reviewers", reviewers),
        "genes": list(Gene.objects.order_by("symbol").values_list("symbol", flat=True)),
        "references": list(Reference.objects.order_by("pk").values_list("pk", flat=True)),
        "pmids": [
            str(p)
            for p in Reference.objects.exclude(pmid=None)
            .order_by("pk")
            .values_list("pmid", flat=True)[:500]
        ],
    }


def facts():
    approvals = ReviewEvent.objects.filter(
        action=Action.APPROVE, actor__username__startswith=PREFIX
    ).values_list("claim_id", flat=True)
    approved = Claim.objects.filter(pk__in=approvals).select_related("gene").order_by("pk")
    cited = Reference.objects.filter(
        citations__claim__author__username__startswith=PREFIX
    ).distinct()
    return {
        "approved": [{"id": c.pk, "gene": c.gene.symbol} for c in approved],
        "references": [
            {"id": r.pk, "pmid": r.pmid and str(r.pmid), "fetch_status": r.fetch_status}
            for r in cited.order_by("pk")
        ],
    }


def static_fingerprint():
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    # WhiteNoise writes Brotli files only when the module is there: part of the result.
    try:
        import brotli  # noqa: F401

        digest.update(b"brotli")
    except ImportError:
        pass
    return {"fingerprint": digest.hexdigest()[:16]}


def main(argv):
    command, *args = argv
    if command == "accounts":
        result = accounts(*(int(a) for a in args))
    elif command == "facts":
        result = facts()
    elif command == "static-fingerprint":
        result = static_fingerprint()
    else:
        raise SystemExit(f"unknown command {command!r}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
