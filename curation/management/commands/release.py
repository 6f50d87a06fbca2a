from django.core.management.base import BaseCommand, CommandError

from curation.releases import ReleaseError, write_release


class Command(BaseCommand):
    help = (
        "Write every export from one database snapshot into OUTDIR, with manifest.json "
        "(counts, sizes, sha256 checksums, schema version). A release already there is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir")
        parser.add_argument("--date", help="the release's date (default: today, UTC)")

    def handle(self, *args, outdir, date, **options):
        try:
            manifest = write_release(outdir, date=date)
        except ReleaseError as e:
            raise CommandError(str(e)) from None
        for entry in manifest["files"]:
            self.stdout.write(
                f"{entry['name']}: {entry['rows']} rows, {entry['bytes']} bytes, "
                f"sha256 {entry['sha256']}"
            )
        self.stdout.write(f"Release {manifest['date']} written to {outdir}.")
