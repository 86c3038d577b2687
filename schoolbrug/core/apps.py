from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolbrug.core"
    label = "core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .converters import register

        # Before any URLconf is loaded: every app's routes use `<id:...>` for object ids.
        register()
