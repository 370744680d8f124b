"""What every JSON API view shares: how a refusal is answered, and how the schema says so.

Errors are JSON with a message a person can read:
- 400 when the input is wrong, with the field errors (``{"field": ["message", ...]}``);
- 401 without credentials, 403 for a visible object without the right, 404 for an object outside
  the caller's scope (``{"detail": "message"}``);
- 409 when a service refuses because of the state of things (a stop that already has an
  outcome, a route whose safety checklist is not confirmed, a race lost to a colleague).

A service says no with Django's ``ValidationError``: one that names fields is bad input (400),
one that does not is a conflict with the current state (409).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as InputError

from outreach import fhir

# The largest id a database row can have (a signed 64-bit integer): a larger one names nothing.
MAX_ID = 2**63 - 1


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def refused(error: ValidationError) -> APIException:
    """A service's refusal as the API's answer: field errors 400, anything else 409."""
    if hasattr(error, "error_dict"):
        return InputError(error.message_dict)
    return Conflict(" ".join(error.messages))


class IdField(serializers.IntegerField):
    """A row's id in a request body: a whole number from 1 that a database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


_DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
_FIELDS = inline_serializer(
    "FieldErrors",
    {
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The schema's error responses for ``codes`` (400 field errors, the others a detail)."""
    described = {
        400: OpenApiResponse(_FIELDS, description="The input is wrong: messages per field."),
        403: OpenApiResponse(_DETAIL, description="Visible, but the caller lacks the right."),
        404: OpenApiResponse(_DETAIL, description="Not found, or outside the caller's scope."),
        409: OpenApiResponse(_DETAIL, description="Refused in the current state of things."),
    }
    return {code: described[code] for code in codes}


def not_found(request, exception=None):
    """The project's 404: JSON under /api/ (an address no API view answers; a FHIR
    OperationOutcome under the FHIR resources), the page elsewhere."""
    if request.path.startswith(reverse("outreach-api:immunization-list")):
        return JsonResponse(
            fhir.operation_outcome(code="not-found", diagnostics=_("Not found.")),
            status=404,
            content_type="application/fhir+json",
        )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
