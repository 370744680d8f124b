"""The coordinator's planning pages, mounted under a region: ``/regions/<code>/planning/``. They
live in the vaccinators' app because they need the planner and the route lists, and imports flow
from here toward the regions (docs/adr/0010-planning-runs.md)."""

from django.urls import path

from vaccinators.views import planning

app_name = "planning"
urlpatterns = [
    path("", planning.run_list, name="run-list"),
    path("new/", planning.run_create, name="run-create"),
    path("<int:pk>/", planning.run_detail, name="run-detail"),
    path("<int:pk>/publish/", planning.run_publish, name="run-publish"),
    path("<int:pk>/discard/", planning.run_discard, name="run-discard"),
    path("<int:pk>/stops/<int:stop_pk>/move/", planning.stop_move, name="stop-move"),
    path("<int:pk>/stops/<int:stop_pk>/reorder/", planning.stop_reorder, name="stop-reorder"),
]
