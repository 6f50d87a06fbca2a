"""Tell a claim's author about a decision on it, by e-mail through Django's email backend.

Connected to every ReviewEvent a decision writes, so an author hears of it
whichever screen, admin action or API call made it; sent only once the
decision has committed.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from curation.decisions import DECIDED, DECISIONS
from curation.models import ReviewEvent


def decision_email(event):
    claim = event.claim
    verb = DECISIONS[event.action][1]
    actor = event.actor.get_full_name() or event.actor.get_username()
    subject = f"Claim #{claim.pk} on {claim.gene.symbol} was {verb}"
    lines = [
        f"Your claim #{claim.pk} on {claim.gene.symbol} was {verb} by {actor}:",
        "",
        f"  {claim.text}",
        "",
    ]
    if event.comment:
        lines += ["Comment:", "", f"  {event.comment}", ""]
    lines.append(f"{settings.SITE_URL}{claim.get_absolute_url()}")
    return subject, "\n".join(lines)


def notify_author(event):
    author = event.claim.author
    if not author.email:
        return
    subject, body = decision_email(event)
    send_mail(subject, body, None, [author.email], fail_silently=False)


@receiver(post_save, sender=ReviewEvent, dispatch_uid="notify_author_of_decision")
def on_review_event(sender, instance, created, **kwargs):
    if created and instance.action in DECIDED and instance.actor_id:
        transaction.on_commit(lambda: notify_author(instance), robust=True)
