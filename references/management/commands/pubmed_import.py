import time
from collections import Counter
from itertools import islice

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from references.models import Reference
from references.pubmed_parser import DeletedRecord, FailedRecord, PubmedXMLError, iter_records

# Records written per transaction: large enough to be fast, small enough that
# an interrupted import keeps most of its work.
BATCH = 500


class Command(BaseCommand):
    help = (
        "Create or update references from local PubMed XML files (efetch output or NLM "
        "baseline/update files, plain or gzipped), matched by PMID. Stored metadata is never "
        "blanked; deleted PMIDs flag the claims citing them."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, verbosity, **options):
        counts = Counter()
        self.started = time.monotonic()
        self.show_progress = verbosity > 0 and self.stderr.isatty()
        for name in files:
            try:
                records = iter_records(name)
                while batch := list(islice(records, BATCH)):
                    self._store(name, batch, counts)
                    self._progress(counts)
            except (OSError, PubmedXMLError) as e:
                counts["failed"] += 1
                self.stderr.write(f"{name}: {e}")
        if self.show_progress:
            self.stderr.write("")
        self.stdout.write(
            "{created} created, {updated} updated, {unchanged} unchanged, "
            "{deleted} deleted, {failed} failed".format_map(
                {k: counts[k] for k in ("created", "updated", "unchanged", "deleted", "failed")}
            )
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} record(s) or file(s) could not be imported")

    @transaction.atomic
    def _store(self, name, batch, counts):
        for item in batch:
            if isinstance(item, FailedRecord):
                counts["failed"] += 1
                self.stderr.write(f"{name}: PMID {item.pmid or '?'}: {item.reason}")
            elif isinstance(item, DeletedRecord):
                for reference in Reference.objects.filter(pmid=int(item.pmid)):
                    reference.record_not_found()
                    counts["deleted"] += 1
            else:
                _, outcome = Reference.objects.upsert_pubmed(item.data)
                counts[outcome] += 1

    def _progress(self, counts):
        if not self.show_progress:
            return
        done = sum(counts.values())
        rate = done / max(time.monotonic() - self.started, 1e-9)
        self.stderr.write(f"\r{done:,} records ({rate:,.0f}/s)", ending="")
