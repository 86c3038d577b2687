from django.urls import path

from . import contact_pin_views, urls_activation, urls_security, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/choose/", views.choose_account, name="choose"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("contact-pin/", contact_pin_views.contact_pin, name="contact-pin"),
    *urls_activation.urlpatterns,  # invitation links: set a password, expired links
    *urls_security.urlpatterns,  # two-factor authentication, forgotten password or username
]
