from django.urls import path

from municipalities import views

app_name = "municipalities"
urlpatterns = [
    # National lists first: "national" must not be read as a municipality code below.
    path("national/imports/", views.national_import_list, name="national-import-list"),
    path("national/imports/<int:pk>/", views.import_detail, name="national-import-detail"),
    path("national/imports/<int:pk>/status/", views.import_status, name="national-import-status"),
    path(
        "national/imports/<int:pk>/errors.csv",
        views.import_errors_csv,
        name="national-import-errors",
    ),
    path("<str:code>/", views.worklist, name="municipality-worklist"),
    path("<str:code>/dashboard/", views.dashboard, name="municipality-dashboard"),
    path("<str:code>/imports/", views.import_list, name="import-list"),
    path("<str:code>/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("<str:code>/imports/<int:pk>/status/", views.import_status, name="import-status"),
    path("<str:code>/imports/<int:pk>/errors.csv", views.import_errors_csv, name="import-errors"),
]
