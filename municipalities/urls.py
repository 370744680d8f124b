from django.urls import path

from municipalities.views import cases, dashboard, help, imports, transport, worklist

app_name = "municipalities"
urlpatterns = [
    # National lists first: "national" must not be read as a municipality code below.
    path("national/imports/", imports.national_import_list, name="national-import-list"),
    path("national/imports/<int:pk>/", imports.import_detail, name="national-import-detail"),
    path("national/imports/<int:pk>/status/", imports.import_status, name="national-import-status"),
    path(
        "national/imports/<int:pk>/errors.csv",
        imports.import_errors_csv,
        name="national-import-errors",
    ),
    # The caseworker's worklist and cases.
    path("<str:code>/", worklist.worklist, name="municipality-worklist"),
    path("<str:code>/search/", worklist.cpr_search, name="worklist-cpr-search"),
    path("<str:code>/cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("<str:code>/cases/<int:pk>/claim/", cases.case_claim, name="case-claim"),
    path("<str:code>/cases/<int:pk>/release/", cases.case_release, name="case-release"),
    path("<str:code>/cases/<int:pk>/assign/", cases.case_assign, name="case-assign"),
    path("<str:code>/cases/<int:pk>/call-later/", cases.case_call_later, name="case-call-later"),
    path("<str:code>/cases/<int:pk>/attempts/", cases.case_attempt_create, name="case-attempt"),
    path("<str:code>/cases/<int:pk>/visitation/", cases.case_visitation, name="case-visitation"),
    path("<str:code>/cases/<int:pk>/reopen/", cases.case_reopen, name="case-reopen"),
    path(
        "<str:code>/cases/<int:pk>/contact-details/",
        cases.case_contact_details,
        name="case-contact-details",
    ),
    path("<str:code>/cases/<int:pk>/cpr/", cases.case_cpr_reveal, name="case-cpr-reveal"),
    # Transport, help requests and the public page's text.
    path("<str:code>/transport/", transport.transport_list, name="transport-list"),
    path("<str:code>/transport/export.csv", transport.transport_export, name="transport-export"),
    path("<str:code>/transport/<int:pk>/", transport.transport_update, name="transport-update"),
    path("<str:code>/help-requests/", help.help_request_list, name="help-request-list"),
    path(
        "<str:code>/help-requests/<int:pk>/", help.help_request_handle, name="help-request-handle"
    ),
    path("<str:code>/help-page/", help.contact_info_edit, name="contact-info-edit"),
    # The lead's dashboard.
    path("<str:code>/dashboard/", dashboard.dashboard, name="municipality-dashboard"),
    # SSI lists.
    path("<str:code>/imports/", imports.import_list, name="import-list"),
    path("<str:code>/imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("<str:code>/imports/<int:pk>/status/", imports.import_status, name="import-status"),
    path("<str:code>/imports/<int:pk>/errors.csv", imports.import_errors_csv, name="import-errors"),
]
