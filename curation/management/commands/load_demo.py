from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curation.importers import harmonizome, pubmed_page, wikipedia
from curation.importers.command import import_file
from curation.importers.loader import LoadError, upsert_gene

# IRF7's identifiers come from the project's brief: its seed article gives none.
# IFNA7 gets only what its own seed page says.
IRF7 = {
    "ncbi_gene_id": 3665,
    "hgnc_id": "HGNC:6122",
    "location": "11p15.5",
    "name": "interferon regulatory factor 7",
    "gene_type": "protein-coding",
}
# The PubMed record goes first: imports never overwrite stored metadata, so the
# most precise description of the Bidwell paper (2012-08, its DOI and abstract)
# must be there before the article that cites it by title and year only.
# IRF7 is created before any file, so IFNA7's summary can mention it.
SEEDS = [
    ("002_eea62aa3baafd0dc.txt", pubmed_page.parse, ""),
    ("000_fcece885daad7ccc.txt", wikipedia.parse, "IRF7"),
    ("001_74481c1f577e6ab2.txt", harmonizome.parse, ""),
]


class Command(BaseCommand):
    help = "Load the demo data (IRF7, IFNA7, their claims and references) from the seed files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seeds",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "seeds",
            help="the folder holding the seed files (default: ../shared/seeds)",
        )

    @transaction.atomic
    def handle(self, *args, seeds, **options):
        missing = [name for name, _, _ in SEEDS if not (seeds / name).is_file()]
        if missing:
            raise CommandError(f"{seeds}: missing seed files {', '.join(missing)}")
        try:
            gene, change = upsert_gene("IRF7", **IRF7)
        except LoadError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"IRF7: {change}")
        for name, parse, symbol in SEEDS:
            result = import_file(seeds / name, parse, gene_symbol=symbol)
            self.stdout.write(
                f"{name}: claims {result.claims_created} created, "
                f"{result.claims_present} already present; references "
                f"{result.references_created} created, {result.references_reused} reused; "
                f"skipped {len(result.skipped)}"
            )
