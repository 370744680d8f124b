from municipalities.models.cases import (
    ContactDetailsChange,
    Referral,
    TransportBooking,
    Visitation,
)
from municipalities.models.help import ContactInfo, HelpRequest
from municipalities.models.imports import SsiImportError, SsiListCoverage, SsiListImport
from municipalities.models.tasks import ContactAttempt, ContactTask

__all__ = [
    "ContactAttempt",
    "ContactDetailsChange",
    "ContactInfo",
    "ContactTask",
    "HelpRequest",
    "Referral",
    "SsiImportError",
    "SsiListCoverage",
    "SsiListImport",
    "TransportBooking",
    "Visitation",
]
