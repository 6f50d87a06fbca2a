"""What the three import commands share: arguments, the progress line and the summary."""

import time

from django.core.management.base import BaseCommand, CommandError

from genes.models import HUMAN


class ImportCommand(BaseCommand):
    """Run `importer(path, on_skip=..., progress=..., **options)` and report on stderr/stdout."""

    importer = None  # set by each command
    takes_tax_id = False

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="plain or gzipped")
        if self.takes_tax_id:
            parser.add_argument(
                "--tax-id", type=int, default=HUMAN, help="the organism to import (default human)"
            )

    def handle(self, *args, file, verbosity, **options):
        self.started = time.monotonic()
        self.tty = self.stderr.isatty()
        self.last_shown = 0.0
        extra = {"tax_id": options["tax_id"]} if self.takes_tax_id else {}
        try:
            summary = type(self).importer(
                file,
                on_skip=self.report_skip if verbosity > 0 else None,
                progress=self.progress if verbosity > 0 else None,
                **extra,
            )
        except (OSError, ValueError, EOFError) as e:
            raise CommandError(f"{file}: {e}") from None
        if verbosity > 0 and self.tty:
            self.stderr.write("")
        seconds = time.monotonic() - self.started
        rows = summary.rows
        first, *reasons = summary.lines()
        self.stdout.write(f"{file}: {first}; {rows} rows in {seconds:.1f} s")
        for line in reasons:
            self.stdout.write(line)

    def report_skip(self, skip):
        # On a terminal, leave the progress line before the message.
        self.stderr.write(("\n" if self.tty else "") + f"skipped {skip}")

    def progress(self, fraction, summary):
        now = time.monotonic()
        # A redirected stderr gets a line every 10 s rather than one per chunk.
        if not self.tty and now - self.last_shown < 10:
            return
        self.last_shown = now
        elapsed = now - self.started
        text = (
            f"{fraction:6.1%}  {summary.rows:,} rows  {summary.rows / (elapsed or 1):,.0f} rows/s  "
            f"created {summary.created:,}  updated {summary.updated:,}  "
            f"unchanged {summary.unchanged:,}  skipped {sum(summary.skipped.values()):,}"
        )
        self.stderr.write(f"\r{text}" if self.tty else text, ending="" if self.tty else "\n")
