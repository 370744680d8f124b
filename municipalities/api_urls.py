from django.urls import path

from municipalities.apis import ssi, tasks

app_name = "municipalities-api"
urlpatterns = [
    path("ssi-lists/", ssi.SsiListCreateApi.as_view(), name="ssi-list-create"),
    path("ssi-lists/<int:pk>/", ssi.SsiListDetailApi.as_view(), name="ssi-list-detail"),
    path("municipalities/<str:code>/tasks/", tasks.TaskListApi.as_view(), name="task-list"),
    path(
        "municipalities/<str:code>/tasks/<int:pk>/",
        tasks.TaskDetailApi.as_view(),
        name="task-detail",
    ),
    path(
        "municipalities/<str:code>/citizens/<int:pk>/",
        tasks.CitizenDetailApi.as_view(),
        name="citizen-detail",
    ),
    path(
        "municipalities/<str:code>/cpr-search/",
        tasks.CprSearchApi.as_view(),
        name="citizen-cpr-search",
    ),
]
