from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolbrug.core"
    label = "core"
