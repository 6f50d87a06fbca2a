from django.apps import AppConfig
from django.db.models.signals import post_save


class ReferencesConfig(AppConfig):
    name = "references"

    def ready(self):
        from references import checks  # noqa: F401  (registers them)
        from references.models import Reference

        post_save.connect(queue_new_reference, sender=Reference, dispatch_uid="queue_new_reference")


def queue_new_reference(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.is_fetchable and instance.fetch_status == "pending":
        from references.queueing import fetch_on_commit

        fetch_on_commit(instance.pk)
