from django.urls import path

from outreach import apis

app_name = "outreach-api"
urlpatterns = [
    path("immunizations/", apis.ImmunizationListApi.as_view(), name="immunization-list"),
    path(
        "immunizations/<int:pk>/", apis.ImmunizationDetailApi.as_view(), name="immunization-detail"
    ),
]
