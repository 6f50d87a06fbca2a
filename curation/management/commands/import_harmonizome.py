from curation.importers import harmonizome
from curation.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a Harmonizome-style gene page (gene fields and a JSON summary whose "
        "footnoted text runs become approved claims), or a file holding only the JSON "
        "summary of an existing gene (then --gene is required)."
    )
    parse = staticmethod(harmonizome.parse)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--gene",
            metavar="SYMBOL",
            help="the page's gene (default: the symbol the page names)",
        )
