"""What the import commands share: reading a file, mapping errors, the summary."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from .document import ParseError
from .loader import LoadError, load_document


def import_file(path, parse, *, gene_symbol="", author=None, section="summary"):
    """Parse the file at `path` with `parse` and load it: all of it, or nothing."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as e:
        raise CommandError(f"{path.name}: not UTF-8 text (byte {e.start})") from None
    try:
        document = parse(text)
        return load_document(
            document=document,
            source_name=path.name,
            gene_symbol=gene_symbol,
            author=author,
            section=section,
        )
    except (ParseError, LoadError) as e:
        raise CommandError(f"{path.name}: {str(e).rstrip('.')}. Nothing was imported.") from e


def find_author(username):
    """The user named `username`, or None to let the loader use the importer user."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None


def summary_lines(name, result):
    gene = f" for {result.gene.symbol} (gene {result.gene_change})" if result.gene else ""
    lines = [f"{name}{gene}:"]
    if result.gene:
        lines.append(
            f"  claims: {result.claims_created} created, {result.claims_present} already present"
        )
    lines.append(
        f"  references: {result.references_created} created, {result.references_reused} reused "
        f"({result.references_updated} of them updated)"
    )
    return lines


class ImportCommand(BaseCommand):
    """An import of one file: subclasses set `parse` and may add arguments."""

    parse = None  # staticmethod(module.parse)
    makes_claims = True

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        if not self.makes_claims:
            return
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="the user recorded as the claims' author (default: an 'importer' user "
            "that cannot log in)",
        )

    def handle(self, *args, **options):
        result = import_file(
            options["file"],
            self.parse,
            gene_symbol=self.gene_symbol(options),
            author=find_author(options.get("author")),
            section=options.get("section") or "summary",
        )
        for line in summary_lines(Path(options["file"]).name, result):
            self.stdout.write(line)
        if options["verbosity"] >= 1 and result.skipped:
            self.stdout.write(f"  skipped ({len(result.skipped)}):")
            for item in result.skipped:
                self.stdout.write(f"    - {item}")

    def gene_symbol(self, options):
        return options.get("gene") or ""
