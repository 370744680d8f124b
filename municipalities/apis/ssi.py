"""The API for SSI's integration (and municipal systems): submit a weekly list, follow its import.

``POST /api/v1/ssi-lists/`` answers 202 with the import's id and a status URL; the import runs as
a background job. Token authentication (``Authorization: Token ...``) or a session.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from municipalities import selectors, services
from municipalities.models import SsiListImport
from municipalities.validators import check_list_file, list_week
from outreach import access
from outreach.models import Municipality
from outreach.rest import errors


class SsiListStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=SsiListImport.Status.choices)
    week = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    extra_columns = serializers.ListField(child=serializers.CharField())
    counts = serializers.DictField(child=serializers.IntegerField())
    status_url = serializers.CharField()
    duplicate = serializers.BooleanField(required=False)


def _status(request, list_import: SsiListImport, **extra) -> dict:
    report = selectors.import_report(list_import, errors=False)
    report["status_url"] = request.build_absolute_uri(
        reverse("municipalities-api:ssi-list-detail", kwargs={"pk": list_import.pk})
    )
    return {**report, **extra}


class SsiListCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        municipality = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Municipality code; omit for a national file.",
        )
        week = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="ISO week, e.g. 2021-W10 (default: this week).",
        )

        def validate_file(self, upload):
            check_list_file(upload)
            return upload

        def validate_week(self, value):
            return list_week(value)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            202: SsiListStatusSerializer,
            200: SsiListStatusSerializer,
            **errors(400, 403, 404),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        municipality = self._municipality(request, data.validated_data.get("municipality"))
        list_import, created = services.ssi_list_import_receive_upload(
            upload=data.validated_data["file"],
            source=SsiListImport.Source.API,
            municipality=municipality,
            week=data.validated_data.get("week"),
            uploaded_by=request.user,
        )
        if not created:
            if not selectors.imports_visible_to(request.user).filter(pk=list_import.pk).exists():
                raise Http404
            if not list_import.is_finished:
                services.ssi_list_import_enqueue(list_import)  # its earlier job was lost
            return Response(_status(request, list_import, duplicate=True), status.HTTP_200_OK)
        services.ssi_list_import_enqueue(list_import)
        return Response(_status(request, list_import, duplicate=False), status.HTTP_202_ACCEPTED)

    @staticmethod
    def _municipality(request, code: str | None) -> Municipality | None:
        national = access.holds_national(request.user, "submit_ssi_lists")
        if not code:
            if not national:
                raise PermissionDenied(_("Only SSI's integration may submit a national file."))
            return None
        if national:
            municipality = Municipality.objects.filter(code=code.lstrip("0")).first()
            if municipality is None:
                raise serializers.ValidationError({"municipality": _("Unknown municipality.")})
            return municipality
        return access.get_municipality_for_user(request.user, code.lstrip("0"), "work_cases")


class SsiListDetailApi(APIView):
    @extend_schema(responses={200: SsiListStatusSerializer, **errors(404)})
    def get(self, request, pk: int):
        list_import = access.get_from(selectors.imports_visible_to(request.user), pk=pk)
        return Response(_status(request, list_import))
