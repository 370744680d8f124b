from django.urls import path

from municipalities import apis

app_name = "municipalities-api"
urlpatterns = [
    path("ssi-lists/", apis.SsiListCreateApi.as_view(), name="ssi-list-create"),
    path("ssi-lists/<int:pk>/", apis.SsiListDetailApi.as_view(), name="ssi-list-detail"),
]
