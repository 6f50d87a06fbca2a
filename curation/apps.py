from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Claims and review"

    def ready(self):
        from curation import receivers  # noqa: F401  (connects the signal receivers)
