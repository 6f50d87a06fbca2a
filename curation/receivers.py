from django.dispatch import receiver

from curation.models import Claim
from references.signals import reference_flagged


@receiver(reference_flagged)
def flag_claims_citing(sender, reference, flag, reason, **kwargs):
    """Show reviewers every approved claim that cites a paper PubMed now warns about."""
    for claim in Claim.objects.public().filter(citations__reference=reference).distinct():
        claim.flag(flag, reason)
