from django.contrib.auth import views as auth_views
from django.urls import path

from ecer.web import totp_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", totp_views.verify, name="totp-verify"),
    path("account/totp/", totp_views.setup, name="totp-setup"),
]
