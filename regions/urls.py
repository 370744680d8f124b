from django.urls import path

from regions.views import dashboard, home, pool, referrals, route_days, sessions, staff, stock

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
    # The home-visit pool the planner plans from
    path("<str:code>/pool/", pool.pool, name="pool"),
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
    # Stock and consumables
    path("<str:code>/stock/", stock.stock_list, name="stock-list"),
    path("<str:code>/stock/receive/", stock.stock_receive, name="stock-receive"),
    path(
        "<str:code>/stock/receive-consumables/",
        stock.stock_receive_consumable,
        name="stock-receive-consumable",
    ),
    path("<str:code>/stock/movements.csv", stock.stock_export, name="stock-export"),
    path("<str:code>/sessions/<int:pk>/allocate/", stock.session_allocate, name="session-allocate"),
    path("<str:code>/sessions/<int:pk>/return/", stock.session_return, name="session-return"),
    path("<str:code>/sessions/<int:pk>/use/", stock.session_use, name="session-use"),
    # Route days
    path("<str:code>/route-days/", route_days.route_day_list, name="route-day-list"),
    path("<str:code>/route-days/new/", route_days.route_day_create, name="route-day-create"),
    path("<str:code>/route-days/<int:pk>/", route_days.route_day_detail, name="route-day-detail"),
    path(
        "<str:code>/route-days/<int:pk>/cancel/",
        route_days.route_day_cancel,
        name="route-day-cancel",
    ),
    path(
        "<str:code>/route-days/<int:pk>/allocate/",
        route_days.route_day_allocate,
        name="route-day-allocate",
    ),
    path(
        "<str:code>/route-days/<int:pk>/return/",
        route_days.route_day_return,
        name="route-day-return",
    ),
    path("<str:code>/route-days/<int:pk>/use/", route_days.route_day_use, name="route-day-use"),
    # Staffing
    path("<str:code>/staff/", staff.staff_list, name="staff-list"),
    path("<str:code>/staff/new/", staff.staff_create, name="staff-create"),
    path("<str:code>/staff/assign/", staff.staff_assign, name="staff-assign"),
    path(
        "<str:code>/staff/assignments/<int:pk>/unassign/",
        staff.staff_unassign,
        name="staff-unassign",
    ),
]
