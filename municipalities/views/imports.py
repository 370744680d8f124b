from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from municipalities import exports, selectors, services, tasks
from municipalities.forms import SsiListUploadForm
from municipalities.models import SsiListImport
from municipalities.views.common import page_context
from outreach import access, jobs


def _import_pages(request, *, national: bool, municipality=None) -> dict:
    """Template context shared by the municipal and the national import pages."""
    if national:
        return {
            "base_template": "outreach/base.html",
            "owner_name": _("National"),
            "national": True,
        }
    return {
        **page_context(request, municipality),
        "base_template": "municipalities/base.html",
        "owner_name": municipality.name,
        "national": False,
    }


def _upload_page(request, *, municipality, imports, context: dict):
    form = SsiListUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _receive_upload(request, municipality, form)
    return render(
        request,
        "municipalities/import_list.html",
        {**context, "form": form, "imports": imports},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def import_list(request, code: str):
    """The municipality's SSI lists, newest first, and the form to upload this week's."""
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    context = _import_pages(request, national=False, municipality=municipality)
    imports = selectors.imports_of_municipality(municipality)
    return _upload_page(request, municipality=municipality, imports=imports, context=context)


@login_required
def national_import_list(request):
    """National lists (every row with its municipality code), for the national administrator."""
    _require_national(request)
    imports = selectors.national_imports()
    context = _import_pages(request, national=True)
    return _upload_page(request, municipality=None, imports=imports, context=context)


def _require_national(request) -> None:
    if not access.national_bodies_visible_to(request.user).exists():
        raise Http404
    if not access.holds_national(request.user, "submit_ssi_lists"):
        raise PermissionDenied


def _receive_upload(request, municipality, form):
    list_import, created = services.ssi_list_import_receive_upload(
        upload=form.cleaned_data["file"],
        source=SsiListImport.Source.UPLOAD,
        municipality=municipality,
        week=form.cleaned_data["week"],
        uploaded_by=request.user,
    )
    if not list_import.is_finished:
        services.ssi_list_import_enqueue(list_import)  # new, or its earlier job was lost
    if not created:
        messages.info(request, _("This file was imported before; here is that import."))
        if list_import.municipality_id != (municipality.pk if municipality else None):
            return redirect(request.path)
    if municipality is None:
        return redirect("municipalities:national-import-detail", pk=list_import.pk)
    return redirect("municipalities:import-detail", code=municipality.code, pk=list_import.pk)


def _get_import(request, code: str | None, pk: int) -> tuple:
    if code is None:
        _require_national(request)
        return None, access.get_from(selectors.national_imports(), pk=pk)
    municipality = access.get_municipality_for_user(request.user, code, "work_cases")
    list_import = access.get_owned(
        SsiListImport.objects.all(), owner=municipality, owner_field="municipality", pk=pk
    )
    return municipality, list_import


def _urls(municipality, list_import) -> dict:
    if municipality is None:
        names, kwargs = "municipalities:national-import-", {"pk": list_import.pk}
        list_url = reverse("municipalities:national-import-list")
    else:
        names, kwargs = "municipalities:import-", {"code": municipality.code, "pk": list_import.pk}
        list_url = reverse("municipalities:import-list", kwargs={"code": municipality.code})
    return {
        "list_url": list_url,
        "status_url": reverse(names + "status", kwargs=kwargs),
        "errors_url": reverse(names + "errors", kwargs=kwargs),
    }


def _job_waiting(list_import) -> bool:
    """True while the import's job waits for the broker (it is sent when the broker is back)."""
    return not list_import.is_finished and jobs.waiting(tasks.process_ssi_list, list_import.pk)


@login_required
def import_detail(request, pk: int, code: str | None = None):
    municipality, list_import = _get_import(request, code, pk)
    context = _import_pages(request, national=municipality is None, municipality=municipality)
    return render(
        request,
        "municipalities/import_detail.html",
        {
            **context,
            **_urls(municipality, list_import),
            "list_import": list_import,
            "job_waiting": _job_waiting(list_import),
            "errors": list_import.errors.all()[:100],
        },
    )


@require_GET
@login_required
def import_status(request, pk: int, code: str | None = None):
    """The progress fragment, polled while the import runs."""
    municipality, list_import = _get_import(request, code, pk)
    response = render(
        request,
        "municipalities/_import_status.html",
        {
            "list_import": list_import,
            "job_waiting": _job_waiting(list_import),
            **_urls(municipality, list_import),
        },
    )
    if list_import.is_finished and request.htmx:
        # The whole page shows the report now: reload it once.
        response["HX-Refresh"] = "true"
    return response


@require_GET
@login_required
def import_errors_csv(request, pk: int, code: str | None = None):
    municipality, list_import = _get_import(request, code, pk)
    body = exports.csv_text(
        [_("Line"), _("CPR (masked)"), _("Reason")],
        list_import.errors.values_list("line", "masked_cpr", "reason").order_by("line"),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    owner = municipality.code if municipality else "national"
    response["Content-Disposition"] = (
        f'attachment; filename="ssi-errors-{owner}-{list_import.week}.csv"'
    )
    return response
