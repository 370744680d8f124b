from django.urls import path

from vaccinators.views import route_lists, sessions

app_name = "vaccinators"
route = "<str:code>/route-lists/<int:pk>/"
session = "<str:code>/sessions/<int:pk>/"
urlpatterns = [
    path("<str:code>/route-lists/", route_lists.routelist_list, name="routelist-list"),
    path(route, route_lists.routelist_detail, name="routelist-detail"),
    path(f"{route}pdf/", route_lists.routelist_pdf, name="routelist-pdf"),
    path(f"{route}checklist/", route_lists.routelist_checklist, name="routelist-checklist"),
    path(f"{route}finish/", route_lists.routelist_finish, name="routelist-finish"),
    path(f"{route}stops/<int:stop_pk>/outcome/", route_lists.stop_outcome, name="stop-outcome"),
    path(f"{route}stops/<int:stop_pk>/correct/", route_lists.stop_correct, name="stop-correct"),
    path(f"{route}stops/<int:stop_pk>/reaction/", route_lists.stop_reaction, name="stop-reaction"),
    path(f"{route}vials/<int:vial>/open/", route_lists.vial_open, name="vial-open"),
    path(f"{route}vials/<int:vial>/finish/", route_lists.vial_finish, name="vial-finish"),
    path("<str:code>/sessions/", sessions.session_list, name="session-list"),
    path(session, sessions.session_detail, name="session-detail"),
    path(f"{session}checklist/", sessions.session_checklist, name="session-checklist"),
    path(f"{session}finish/", sessions.session_finish, name="session-finish"),
    path(
        f"{session}bookings/<int:booking_pk>/outcome/",
        sessions.booking_outcome,
        name="booking-outcome",
    ),
    path(
        f"{session}bookings/<int:booking_pk>/correct/",
        sessions.booking_correct,
        name="booking-correct",
    ),
    path(
        f"{session}bookings/<int:booking_pk>/reaction/",
        sessions.booking_reaction,
        name="booking-reaction",
    ),
]
