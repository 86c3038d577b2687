from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/choose/", views.choose_account, name="choose"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
