from django.urls import path

from regions import apis

app_name = "regions-api"
urlpatterns = [
    path("regions/<str:code>/stock/", apis.StockApi.as_view(), name="stock-detail"),
    path(
        "regions/<str:code>/stock/movements/",
        apis.MovementListApi.as_view(),
        name="stock-movement-list",
    ),
]
