from django.apps import AppConfig


class GenesConfig(AppConfig):
    name = "genes"
