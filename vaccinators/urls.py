from django.urls import path

from vaccinators import views

app_name = "vaccinators"
urlpatterns = [
    path("<str:code>/route-lists/", views.routelist_list, name="routelist-list"),
]
