from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from references import tasks
from references.identifiers import normalize_pmid
from references.models import Reference
from references.signals import references_changed


class Command(BaseCommand):
    help = (
        "Queue PubMed fetches for the workers: the given PMIDs (creating references for new "
        "ones), every reference still pending (--pending), or those due a refresh (--stale)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("pmids", nargs="*", default=[], metavar="PMID")
        which.add_argument("--pending", action="store_true", help="references never fetched")
        which.add_argument(
            "--stale",
            action="store_true",
            help="references fetched over REFERENCE_REFRESH_DAYS ago",
        )

    def handle(self, *args, pmids, pending, stale, **options):
        if pending:
            self.report(tasks.fetch_pending(), "pending")
        elif stale:
            self.report(tasks.refresh_stale(), "stale")
        else:
            self.fetch(pmids)

    def fetch(self, given):
        try:
            pmids = list(dict.fromkeys(normalize_pmid(p) for p in given))
        except ValueError as e:
            raise CommandError(str(e)) from None
        with transaction.atomic():
            known = set(Reference.objects.filter(pmid__in=pmids).values_list("pmid", flat=True))
            # bulk_create sends no post_save, so these are queued below with the known ones.
            if new := [Reference(pmid=p) for p in pmids if p not in known]:
                Reference.objects.bulk_create(new)
                references_changed.send(sender=Reference)
            ids = list(Reference.objects.filter(pmid__in=pmids).values_list("pk", flat=True))
            transaction.on_commit(lambda: tasks.queue_fetch_ids(ids))
        self.report(len(ids), f"given ({len(new)} new)")

    def report(self, count, which):
        batches = -(-count // tasks.BATCH)
        self.stdout.write(f"Queued {count} {which} reference(s) in {batches} task(s).")
