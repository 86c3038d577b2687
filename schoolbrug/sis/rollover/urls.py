from django.urls import path

from . import views

urlpatterns = [
    path("rollover/", views.rollover, name="rollover"),
]
