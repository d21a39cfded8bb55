from django.contrib.auth import views as auth_views
from django.urls import path

from ecer.web import account_views, dashboards, totp_views, views

urlpatterns = [
    path("", dashboards.overview, name="home"),
    path("targets/", views.home, name="targets"),
    path("map/outlines.geojson", dashboards.map_outlines, name="map-outlines"),
    path("regions/<str:code>/", dashboards.region, name="region"),
    path("indicators/", dashboards.indicators, name="indicators"),
    path("indicators/<str:code>/", dashboards.indicator, name="indicator"),
    path("why/<str:region>/<str:target>/<int:year>/", dashboards.why, name="why"),
    path("data/batches/<int:batch_id>/", dashboards.batch, name="batch"),
    path("data/observations/<int:observation_id>/", dashboards.observation, name="observation"),
    path("decomposition/", dashboards.decompositions, name="decompositions"),
    path("decomposition/<int:run_id>/", dashboards.decomposition, name="decomposition"),
    path("assessment/", dashboards.assessments, name="assessments"),
    path("assessment/<str:period>/", dashboards.assessment, name="assessment"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", totp_views.verify, name="totp-verify"),
    path("account/totp/", totp_views.setup, name="totp-setup"),
    path("account/tokens/", account_views.token_list, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", account_views.token_revoke, name="token-revoke"),
    path("audit/", account_views.audit_log, name="audit"),
]
