"""The region's stock over the API, read-only, as on the coordinator's stock page: what the store,
each pop-up session and each route day holds per batch and consumable, the totals per vaccine,
and the ledger's movements a page at a time (newest first). The ledger names no citizen."""

from __future__ import annotations

from django.core.paginator import Paginator
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach import access
from outreach.rest import errors
from regions.models import Consumable, StockMovement
from regions.selectors import stock as selectors

PAGE_SIZE = 50
CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="The region's code.",
    examples=[OpenApiExample("Region Hovedstaden", value="1084")],
)


def _region(request, code: str):
    return access.get_region_for_user(request.user, code, "coordinate_region")


class HolderSerializer(serializers.Serializer):
    """Where stock is: the region's store, a pop-up session or a route day."""

    kind = serializers.SerializerMethodField()
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")

    def get_kind(self, holder) -> str:
        if holder.session_id:
            return "session"
        if holder.route_day_id:
            return "route_day"
        return "store"


class BalanceSerializer(serializers.Serializer):
    holder = HolderSerializer()
    product = serializers.CharField(source="batch.product.name", allow_null=True, default=None)
    batch = serializers.CharField(source="batch.lot_number", allow_null=True, default=None)
    expires_on = serializers.DateField(source="batch.expires_on", allow_null=True, default=None)
    consumable = serializers.ChoiceField(choices=[("", "—"), *Consumable.choices])
    quantity = serializers.IntegerField(help_text="Doses of a vaccine, or pieces.")


class TotalSerializer(serializers.Serializer):
    product = serializers.CharField()
    doses_per_vial = serializers.IntegerField()
    received = serializers.IntegerField()
    on_hand = serializers.IntegerField(help_text="In the region's store, free to allocate.")
    allocated = serializers.IntegerField(help_text="At sessions and route days, not yet used.")
    administered = serializers.IntegerField()
    wasted = serializers.IntegerField()


class StockSerializer(serializers.Serializer):
    region = serializers.CharField()
    balances = BalanceSerializer(many=True)
    totals = TotalSerializer(many=True)


class MovementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=StockMovement.Kind.choices)
    product = serializers.CharField(source="batch.product.name", allow_null=True, default=None)
    batch = serializers.CharField(source="batch.lot_number", allow_null=True, default=None)
    expires_on = serializers.DateField(source="batch.expires_on", allow_null=True, default=None)
    consumable = serializers.ChoiceField(choices=[("", "—"), *Consumable.choices])
    quantity = serializers.IntegerField(help_text="Doses of a vaccine, or pieces.")
    source = HolderSerializer(allow_null=True)
    target = HolderSerializer(allow_null=True)
    waste_reason = serializers.ChoiceField(choices=StockMovement.WasteReason.choices)
    note = serializers.CharField()
    by = serializers.CharField(source="by.username")


class MovementPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MovementSerializer(many=True)


class StockApi(APIView):
    @extend_schema(
        operation_id="stock_read",
        summary="The region's stock: balances per holder and batch or consumable, and totals",
        parameters=[CODE],
        responses={200: StockSerializer, **errors(403, 404)},
    )
    def get(self, request, code: str):
        region = _region(request, code)
        totals = [
            {"product": name, **figures}
            for name, figures in selectors.vaccine_totals(region).items()
        ]
        return Response(
            StockSerializer(
                {"region": region.code, "balances": selectors.balances_of(region), "totals": totals}
            ).data
        )


class MovementListApi(APIView):
    class MovementFilterSerializer(serializers.Serializer):
        page = serializers.IntegerField(
            required=False, min_value=1, max_value=10**9, help_text="From 1 (newest first)."
        )

    @extend_schema(
        operation_id="stock_movements_list",
        summary="The region's stock ledger, newest first, a page at a time",
        parameters=[CODE, MovementFilterSerializer],
        responses={200: MovementPageSerializer, **errors(400, 403, 404)},
    )
    def get(self, request, code: str):
        region = _region(request, code)
        query = self.MovementFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = Paginator(selectors.movements_of(region), PAGE_SIZE).get_page(
            query.validated_data.get("page", 1)
        )

        def url(number: int | None) -> str | None:
            if number is None:
                return None
            return request.build_absolute_uri(f"{request.path}?page={number}")

        return Response(
            MovementPageSerializer(
                {
                    "count": page.paginator.count,
                    "page": page.number,
                    "pages": page.paginator.num_pages,
                    "next": url(page.next_page_number() if page.has_next() else None),
                    "previous": url(page.previous_page_number() if page.has_previous() else None),
                    "results": page.object_list,
                }
            ).data
        )
