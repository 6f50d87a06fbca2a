from django.conf import settings
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from curation import cache as page_cache
from curation.models import Citation, Claim, ReviewEvent, Status
from genes.models import Gene, GeneName
from genes.signals import catalogue_changed, gene_discontinued
from references.models import FETCH_STATE_FIELDS, Reference
from references.signals import reference_flagged, references_changed


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


# Cached public gene pages (curation.cache): retire a page when what it shows changes.
# A save of only a fetch's own state (a failed fetch, a refresh that found nothing new)
# changes nothing a public page shows; genes and references name those fields alike.
UNSHOWN_FIELDS = frozenset(FETCH_STATE_FIELDS)


def _shown(update_fields):
    return update_fields is None or not update_fields <= UNSHOWN_FIELDS


@receiver(post_save, sender=ReviewEvent, dispatch_uid="gene_page_claim_event")
def retire_pages_of_claim(sender, instance, created, **kwargs):
    """A claim became approved or stopped being approved (retired, superseded): its pages and
    the API. An event that leaves an approved claim approved (a flag) shows in the API only.
    """
    if not created:
        return
    was, now = instance.from_status == Status.APPROVED, instance.to_status == Status.APPROVED
    if was != now:
        claim = instance.claim_id
        # Its gene's page, and the pages of the genes it mentions ("mentioned on").
        symbols = Gene.objects.filter(Q(claims=claim) | Q(mentioned_in=claim)).values_list(
            "symbol", flat=True
        )
        page_cache.bump_genes(symbols, api=True)
    elif was:
        page_cache.bump_api()


@receiver(post_save, sender=Reference, dispatch_uid="gene_page_reference")
def retire_pages_citing(sender, instance, created, update_fields=None, **kwargs):
    """The API shows every reference with its fetch state: any save counts. Pages show
    only what a fetch found, of references approved claims cite."""
    symbols = []
    if not created and _shown(update_fields):
        symbols = Gene.objects.filter(
            claims__status=Status.APPROVED, claims__citations__reference=instance
        ).values_list("symbol", flat=True)
    page_cache.bump_genes(symbols, api=True)


@receiver(post_save, sender=Gene, dispatch_uid="gene_page_gene_saved")
@receiver(post_delete, sender=Gene, dispatch_uid="gene_page_gene_deleted")
@receiver(post_save, sender=GeneName, dispatch_uid="gene_page_name_saved")
@receiver(post_delete, sender=GeneName, dispatch_uid="gene_page_name_deleted")
@receiver(catalogue_changed, dispatch_uid="gene_page_catalogue_imported")
def retire_all_pages(sender, update_fields=None, **kwargs):
    """Names and symbols appear on other genes' pages too (links, renames): retire them all,
    and every API response (a claim names its gene and the genes it mentions)."""
    if _shown(update_fields):
        page_cache.bump_catalogue()


# Cached anonymous API responses (curation.cache): retire them all when anything an anonymous
# reader of the API sees changes. Claim events, references, genes and names: the receivers
# above. A claim counts only if approved before or after the change (anonymous readers see no
# other); every Claim method that writes records a ReviewEvent, also when it writes with an
# update() or bulk_create(). Citations are deleted only by set_citations, on drafts; bulk
# writes of genes or references send catalogue_changed or references_changed.
@receiver(post_save, sender=Claim, dispatch_uid="api_claim_saved")
@receiver(post_delete, sender=Claim, dispatch_uid="api_claim_deleted")
def retire_api_on_claim(sender, instance, created=False, **kwargs):
    # A new draft (the workflow's every claim but an imported one) is no one's to see yet.
    if not created or instance.status == Status.APPROVED:
        page_cache.bump_api()


@receiver(m2m_changed, sender=Claim.mentioned_genes.through, dispatch_uid="api_mentioned")
def retire_api_on_mentioned_genes(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and (reverse or instance.status == Status.APPROVED):
        page_cache.bump_api()


@receiver(post_save, sender=Citation, dispatch_uid="api_citation_saved")
@receiver(post_delete, sender=Reference, dispatch_uid="api_reference_deleted")
@receiver(references_changed, dispatch_uid="api_references_changed")
def retire_api(sender, **kwargs):
    """A reference deleted, a citation saved, or references written in bulk (saves of one
    reference: retire_pages_citing)."""
    page_cache.bump_api()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api_user_saved")
def retire_api_on_rename(sender, update_fields=None, **kwargs):
    """Claims name their author and reviewer by username; a log-in saves only last_login."""
    if update_fields is None or "username" in update_fields:
        page_cache.bump_api()
