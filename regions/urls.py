from django.urls import path

from regions.views import dashboard, home

app_name = "regions"
urlpatterns = [
    path("<str:code>/", home.region_detail, name="region-detail"),
    # The coordinator's dashboard, and its tables as CSV files.
    path("<str:code>/dashboard/", dashboard.region_dashboard, name="region-dashboard"),
    path(
        "<str:code>/dashboard/export.csv",
        dashboard.region_dashboard_export,
        name="region-dashboard-export",
    ),
]
