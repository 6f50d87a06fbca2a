import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from references.standin import Standin, load_gene_summaries, load_idconv_articles

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures"


class Command(BaseCommand):
    help = (
        "Serve recorded PubMed records and gene summaries as a local stand-in for NCBI "
        "E-utilities (efetch, esummary db=gene) and the PMC ID converter, for offline demos. "
        "Point NCBI_EUTILS_URL at the URL it prints."
    )
    # A stand-alone server: it reads no database and needs no check of the project.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--records",
            type=Path,
            default=FIXTURES / "pubmed",
            metavar="DIR",
            help="folder of efetch XML files to serve (default: %(default)s)",
        )
        parser.add_argument(
            "--ncbi",
            "--idconv",
            dest="ncbi",
            type=Path,
            default=FIXTURES / "ncbi",
            metavar="DIR",
            help="folder of recorded ID converter answers (idconv_*.json) and gene summaries "
            "(esummary_gene*.json) (default: %(default)s)",
        )

    def handle(self, *args, host, port, records, ncbi, verbosity, **options):
        if not records.is_dir():
            raise CommandError(f"{records} is not a folder of PubMed XML files")
        articles = load_idconv_articles(ncbi) if ncbi.is_dir() else []
        summaries = load_gene_summaries(ncbi) if ncbi.is_dir() else []
        try:
            standin = Standin(
                records, articles=articles, gene_summaries=summaries, host=host, port=port
            )
        except OSError as e:
            raise CommandError(f"cannot listen on {host}:{port}: {e}") from None
        if verbosity > 1:
            logging.basicConfig(level=logging.INFO, format="%(message)s")
        self.stdout.write(
            f"Serving {len(standin.records)} PubMed records and "
            f"{len(standin.gene_summaries)} gene summaries. Use:\n"
            f"  NCBI_EUTILS_URL={standin.eutils_url}\n"
            f"  ID converter: {standin.idconv_url}\n"
            f"  faults: POST {standin.url}/_control/fail, e.g. "
            '{"mode": "status", "status": 503, "times": 2}\n'
            "Ctrl-C stops it."
        )
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            standin.stop()
