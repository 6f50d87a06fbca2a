from curation.importers import wikipedia
from curation.importers.command import ImportCommand
from curation.models import Section


class Command(ImportCommand):
    help = (
        "Import the text of a Wikipedia-style gene article: every span of prose ending in "
        "footnote markers becomes an approved claim citing the numbered references."
    )
    parse = staticmethod(wikipedia.parse)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--gene", metavar="SYMBOL", required=True, help="the article's gene")
        parser.add_argument(
            "--section",
            choices=Section.values,
            default=Section.SUMMARY,
            help="the gene page section of the claims (default: summary)",
        )
