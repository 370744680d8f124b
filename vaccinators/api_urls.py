from django.urls import path

from vaccinators.apis import route_lists, sessions

app_name = "vaccinators-api"
lists = "vaccinators/<str:code>/route-lists/"
route = f"{lists}<int:pk>/"
session_list = "vaccinators/<str:code>/sessions/"
session = f"{session_list}<int:pk>/"
urlpatterns = [
    path(lists, route_lists.RouteListListApi.as_view(), name="routelist-list"),
    path(route, route_lists.RouteListDetailApi.as_view(), name="routelist-detail"),
    path(f"{route}checklist/", route_lists.ChecklistApi.as_view(), name="routelist-checklist"),
    path(
        f"{route}stops/<int:stop_pk>/outcome/",
        route_lists.StopOutcomeApi.as_view(),
        name="stop-outcome",
    ),
    path(session_list, sessions.SessionListApi.as_view(), name="session-list"),
    path(session, sessions.SessionDetailApi.as_view(), name="session-detail"),
    path(f"{session}checklist/", sessions.SessionChecklistApi.as_view(), name="session-checklist"),
    path(
        f"{session}bookings/<int:booking_pk>/outcome/",
        sessions.BookingOutcomeApi.as_view(),
        name="booking-outcome",
    ),
]
