from django.urls import path

from regions.views import dashboard, home, referrals, sessions

app_name = "regions"
urlpatterns = [
    path("<str:code>/", home.region_detail, name="region-detail"),
    path("<str:code>/referrals/", referrals.referral_list, name="referral-list"),
    path(
        "<str:code>/referrals/<int:pk>/accept/", referrals.referral_accept, name="referral-accept"
    ),
    path(
        "<str:code>/referrals/<int:pk>/return/", referrals.referral_return, name="referral-return"
    ),
    path("<str:code>/sites/", sessions.site_list, name="site-list"),
    path("<str:code>/sessions/", sessions.session_list, name="session-list"),
    path("<str:code>/sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("<str:code>/sessions/<int:pk>/book/", sessions.session_book, name="session-book"),
    path(
        "<str:code>/sessions/<int:pk>/bookings/<int:booking_pk>/cancel/",
        sessions.session_booking_cancel,
        name="session-booking-cancel",
    ),
    path("<str:code>/sessions/<int:pk>/confirm/", sessions.session_confirm, name="session-confirm"),
    path("<str:code>/sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    # The coordinator's dashboard, and its tables as CSV files.
    path("<str:code>/dashboard/", dashboard.region_dashboard, name="region-dashboard"),
    path(
        "<str:code>/dashboard/export.csv",
        dashboard.region_dashboard_export,
        name="region-dashboard-export",
    ),
]
