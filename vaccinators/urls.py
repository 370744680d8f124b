from django.urls import path

from vaccinators.views import route_lists, sessions

app_name = "vaccinators"
urlpatterns = [
    path("<str:code>/route-lists/", route_lists.routelist_list, name="routelist-list"),
    path("<str:code>/sessions/", sessions.session_list, name="session-list"),
    path("<str:code>/sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
]
