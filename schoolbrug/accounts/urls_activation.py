from django.urls import path

from . import activation_views

# The token is the URL-safe base64 of 32 random bytes: letters, digits, "-" and "_", as a slug.
urlpatterns = [
    path("activate/<slug:token>/", activation_views.activate, name="activate"),
]
