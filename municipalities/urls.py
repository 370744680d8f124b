from django.urls import path

from municipalities import views

app_name = "municipalities"
urlpatterns = [
    path("<str:code>/", views.worklist, name="municipality-worklist"),
    path("<str:code>/dashboard/", views.dashboard, name="municipality-dashboard"),
    path("<str:code>/imports/", views.import_list, name="import-list"),
    path("<str:code>/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("<str:code>/imports/<int:pk>/status/", views.import_status, name="import-status"),
    path("<str:code>/imports/<int:pk>/errors.csv", views.import_errors_csv, name="import-errors"),
]
