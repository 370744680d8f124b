"""The public help pages, one per municipality: no login."""

from django.urls import path

from municipalities.views import public

app_name = "help"
urlpatterns = [
    path("<str:code>/", public.help_page, name="help-page"),
    path("<str:code>/thanks/", public.help_thanks, name="help-thanks"),
]
