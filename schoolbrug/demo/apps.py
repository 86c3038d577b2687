from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Loads the demo schools across all apps; sits above every feature app so it may call each."""

    name = "schoolbrug.demo"
    label = "demo"
