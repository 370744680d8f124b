"""Being written."""

from django.http import Http404


def case_detail(request, code, pk=None):
    raise Http404


def case_claim(request, code, pk=None):
    raise Http404


def case_release(request, code, pk=None):
    raise Http404


def case_assign(request, code, pk=None):
    raise Http404


def case_call_later(request, code, pk=None):
    raise Http404


def case_attempt_create(request, code, pk=None):
    raise Http404


def case_visitation(request, code, pk=None):
    raise Http404


def case_reopen(request, code, pk=None):
    raise Http404


def case_contact_details(request, code, pk=None):
    raise Http404


def case_cpr_reveal(request, code, pk=None):
    raise Http404
