from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Claims and review"

    def ready(self):
        from curation import notifications, receivers  # noqa: F401  (connect the signal receivers)
