from curation.importers import pubmed_page
from curation.importers.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the text of a PubMed abstract page as a reference (or fill in the "
        "fields an existing reference to the same paper lacks)."
    )
    parse = staticmethod(pubmed_page.parse)
    makes_claims = False
