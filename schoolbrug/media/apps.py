from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "schoolbrug.media"
    label = "media"
    verbose_name = _("Photos and files")

    def ready(self) -> None:
        # HEIC/HEIF (iPhone photos) open through Pillow once pillow-heif's opener is registered;
        # its embedded thumbnails are never needed and would only cost decoding time.
        import pillow_heif

        pillow_heif.register_heif_opener(thumbnails=False)
        from . import signals  # noqa: F401
