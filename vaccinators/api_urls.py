from django.urls import path

from vaccinators import apis

app_name = "vaccinators-api"
route_lists = "vaccinators/<str:code>/route-lists/"
route = f"{route_lists}<int:pk>/"
urlpatterns = [
    path(route_lists, apis.RouteListListApi.as_view(), name="routelist-list"),
    path(route, apis.RouteListDetailApi.as_view(), name="routelist-detail"),
    path(f"{route}checklist/", apis.ChecklistApi.as_view(), name="routelist-checklist"),
    path(
        f"{route}stops/<int:stop_pk>/outcome/", apis.StopOutcomeApi.as_view(), name="stop-outcome"
    ),
]
