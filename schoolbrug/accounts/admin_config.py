"""Takes the place of `django.contrib.admin` in INSTALLED_APPS, so that `admin.site` (where every
app registers its models) is the operator site of `admin_site.py`. A module of its own: it is
imported while the app registry loads, before any model may be."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "schoolbrug.accounts.admin_site.OperatorAdminSite"
