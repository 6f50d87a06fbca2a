import json
import sys

from django.core.management.base import BaseCommand, CommandError

from references.pubmed_parser import DeletedRecord, FailedRecord, PubmedXMLError, iter_records


class Command(BaseCommand):
    help = (
        "Print PubMed XML files (efetch output or NLM baseline/update files, plain or gzipped) "
        "as Reference JSON, one object per line. Records that cannot be read and deleted PMIDs "
        "are reported on stderr; the exit status is 1 if any record could not be read."
    )
    # A file tool: it reads no database and needs no check of the project.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="'-' reads standard input")

    def handle(self, *args, files, **options):
        failed = 0
        for name in files:
            try:
                for result in iter_records(sys.stdin.buffer if name == "-" else name):
                    if isinstance(result, FailedRecord):
                        failed += 1
                        self.stderr.write(f"{name}: PMID {result.pmid or '?'}: {result.reason}")
                    elif isinstance(result, DeletedRecord):
                        self.stderr.write(
                            f"{name}: PMID {result.pmid} deleted by PubMed (DeleteCitation)",
                            style_func=self.style.WARNING,
                        )
                    else:
                        self.stdout.write(json.dumps(result.data, ensure_ascii=False))
            except (OSError, PubmedXMLError) as e:
                failed += 1
                self.stderr.write(f"{name}: {e}")
        if failed:
            raise CommandError(f"{failed} record(s) or file(s) could not be read")
