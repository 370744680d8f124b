from django.urls import path

from outreach.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_home, name="home"),
    path("citizens/search/", views.citizen_search, name="citizen-search"),
    path("citizens/<int:pk>/", views.citizen_events, name="citizen-events"),
    path(
        "citizens/<int:pk>/report.csv",
        views.citizen_report,
        {"file_format": "csv"},
        name="citizen-report-csv",
    ),
    path(
        "citizens/<int:pk>/report.pdf",
        views.citizen_report,
        {"file_format": "pdf"},
        name="citizen-report-pdf",
    ),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/", views.user_events, name="user-events"),
    path("anomalies/", views.anomalies, name="anomalies"),
]
