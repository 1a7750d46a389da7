from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and ``seed_demo``; no models."""

    name = "demo"
