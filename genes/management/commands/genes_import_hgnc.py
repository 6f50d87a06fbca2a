from genes.importers.command import ImportCommand
from genes.importers.hgnc import import_hgnc


class Command(ImportCommand):
    help = "Update genes from HGNC's complete set (hgnc_complete_set.txt), matched by Entrez Gene ID: symbols, names, families, previous symbols, UniProt accessions."
    importer = import_hgnc
    takes_tax_id = False
