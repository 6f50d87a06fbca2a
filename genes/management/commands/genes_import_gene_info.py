from genes.importers.command import ImportCommand
from genes.importers.gene_info import import_gene_info


class Command(ImportCommand):
    help = "Create or update every gene of NCBI's gene_info file (Homo_sapiens.gene_info[.gz]), by Gene ID. Running it again changes nothing."
    importer = import_gene_info
    takes_tax_id = True
