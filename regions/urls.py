from django.urls import path

from regions.views import home

app_name = "regions"
urlpatterns = [
    path("<str:code>/", home.region_detail, name="region-detail"),
]
