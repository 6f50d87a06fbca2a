from genes.importers.command import ImportCommand
from genes.importers.gene_history import import_gene_history


class Command(ImportCommand):
    help = "Record NCBI's discontinued Gene IDs (gene_history[.gz]) as names of the genes that replaced them; flag claims about merged genes."
    importer = import_gene_history
    takes_tax_id = True
