from django.dispatch import receiver

from curation.models import Claim, Status
from genes.signals import gene_discontinued
from references.signals import reference_flagged


@receiver(reference_flagged)
def flag_claims_citing(sender, reference, flag, reason, **kwargs):
    """Show reviewers every approved claim that cites a paper PubMed now warns about."""
    for claim in Claim.objects.public().filter(citations__reference=reference).distinct():
        claim.flag(flag, reason)


# Claims still in play; rejected, withdrawn, retired and superseded ones are history.
LIVE_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED]


@receiver(gene_discontinued)
def flag_claims_about_discontinued_gene(sender, gene, replaced_by, **kwargs):
    """Ask a curator to move the claims of a gene NCBI merged into another (or withdrew)."""
    old = f"Gene ID {gene.ncbi_gene_id} ({gene.symbol})"
    if replaced_by:
        flag = "gene_merged"
        reason = (
            f"NCBI merged {old} into Gene ID {replaced_by.ncbi_gene_id} ({replaced_by.symbol}) "
            f"on {gene.discontinued_on:%Y-%m-%d}: move this claim to {replaced_by.symbol}."
        )
    else:
        flag = "gene_discontinued"
        reason = f"NCBI discontinued {old} on {gene.discontinued_on:%Y-%m-%d} with no successor."
    for claim in Claim.objects.filter(gene=gene, status__in=LIVE_STATUSES):
        claim.flag(flag, reason)
