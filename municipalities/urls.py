from django.urls import path

from municipalities import views

app_name = "municipalities"
urlpatterns = [
    path("<str:code>/", views.worklist, name="municipality-worklist"),
    path("<str:code>/dashboard/", views.dashboard, name="municipality-dashboard"),
]
