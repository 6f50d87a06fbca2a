from django.core.management.base import BaseCommand, CommandError

from curation.restore import UNKNOWN_AUTHOR, RestoreError, restore_release


class Command(BaseCommand):
    help = (
        "Load the release in DIR (genes, references and approved claims, as written by "
        "manage.py release) into an empty database, after checking its manifest: schema "
        "version, and each file's size, rows and sha256. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a release folder, holding manifest.json")

    def handle(self, *args, dir, **options):
        try:
            restored = restore_release(dir)
        except RestoreError as e:
            raise CommandError(str(e)) from None
        if restored.users_created:
            self.stdout.write(
                "No account had these usernames, so they were created inactive and without a "
                f"password: {', '.join(restored.users_created)}."
            )
        if restored.placeholders:
            ids = ", ".join(f"#{pk}" for pk in restored.placeholders)
            self.stdout.write(
                f"Superseded claims {ids} are not in a release: restored as placeholders "
                f"(no text, no citations, author {UNKNOWN_AUTHOR}) so their revisions keep "
                "their link."
            )
        self.stdout.write(
            f"Release {restored.release} restored: {restored.genes} genes, "
            f"{restored.references} references, {restored.claims} approved claims, "
            f"{restored.citations} citations. Review history before the release is not in it: "
            "each claim has one import event naming the release."
        )
