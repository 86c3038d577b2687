from django.urls import path

from . import urls_activation, urls_security, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/choose/", views.choose_account, name="choose"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    *urls_activation.urlpatterns,  # invitation links: set a password, expired links
    *urls_security.urlpatterns,  # two-factor authentication, forgotten password or username
]
