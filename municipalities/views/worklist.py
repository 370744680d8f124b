"""Being written."""

from django.http import Http404


def worklist(request, code, pk=None):
    raise Http404


def cpr_search(request, code, pk=None):
    raise Http404
