"""Vaccination records as FHIR R4 ``Immunization`` resources, for the registry export (ADR 0011).

Plain dictionaries, ready for JSON. The export carries no CPR number and no name: the citizen is
referred to by the internal id, which the registry integration joins on. Texts are fixed English
(a registry must not receive the export in the language of whoever called it); codes carry the
meaning.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from outreach.models import AdverseReaction, VaccinationRecord

SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
# The EU's Union Register of medicinal products: the product numbers the EU Digital COVID
# Certificate's "vaccine medicinal product" value set uses too.
EU_REGISTER = "https://ec.europa.eu/health/documents/community-register/html/"
PERFORMER_FUNCTION = "http://terminology.hl7.org/CodeSystem/v2-0443"

COVID_19 = {"system": SNOMED, "code": "840539006", "display": "Disease caused by SARS-CoV-2"}
COVID_19_VACCINES = {"system": ATC, "code": "J07BX03", "display": "covid-19 vaccines"}
MRNA_VACCINE = {"system": SNOMED, "code": "1119349007", "display": "SARS-CoV-2 mRNA vaccine"}
# Our product codes -> the product's number in the Union Register, and its display there.
EU_PRODUCTS = {
    "comirnaty": ("EU/1/20/1528", "Comirnaty"),
    "moderna": ("EU/1/20/1507", "COVID-19 Vaccine Moderna"),
    "astrazeneca": ("EU/1/21/1529", "Vaxzevria"),
}
SERIES_DOSES = 2  # every product in the scheme is a two-dose series

SETTING_DISPLAY = {
    VaccinationRecord.Setting.HOME: "Home visit",
    VaccinationRecord.Setting.POPUP: "Pop-up session",
}
SEVERITY_DISPLAY = {
    AdverseReaction.Severity.MILD: "Mild",
    AdverseReaction.Severity.MODERATE: "Moderate",
    AdverseReaction.Severity.SEVERE: "Severe",
    AdverseReaction.Severity.ANAPHYLAXIS: "Anaphylaxis",
}


def system(path: str) -> str:
    """One of our own identifier systems, code systems or extensions (``FHIR_SYSTEM_BASE``)."""
    return f"{settings.FHIR_SYSTEM_BASE}/{path}"


def for_export(records: QuerySet[VaccinationRecord]) -> QuerySet[VaccinationRecord]:
    """The records with everything ``immunization`` reads, in a fixed number of queries."""
    return records.select_related("product", "vaccinator_organisation").prefetch_related(
        Prefetch("adverse_reactions", queryset=AdverseReaction.objects.order_by("onset_at", "pk"))
    )


def _datetime(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _vaccine_code(product) -> dict:
    codings = []
    if product.code in EU_PRODUCTS:
        number, display = EU_PRODUCTS[product.code]
        codings.append({"system": EU_REGISTER, "code": number, "display": display})
    if product.is_mrna:
        codings.append(dict(MRNA_VACCINE))
    codings.append(dict(COVID_19_VACCINES))
    codings.append(
        {
            "system": system("CodeSystem/vaccine-product"),
            "code": product.code,
            "display": product.name,
        }
    )
    return {"coding": codings, "text": product.name}


def _reaction(reaction: AdverseReaction) -> dict:
    actions = [
        text
        for done, text in (
            (reaction.adrenaline_given, "adrenaline given"),
            (reaction.emergency_called, "emergency services called"),
        )
        if done
    ]
    summary = "; ".join([SEVERITY_DISPLAY[reaction.severity], *actions])
    return {
        "date": _datetime(reaction.onset_at),
        "detail": {"display": f"{summary}: {reaction.symptoms}"},
        "reported": reaction.reported_onward,
    }


def immunization(record: VaccinationRecord) -> dict:
    """One record as an R4 ``Immunization``. An invalidated record is ``entered-in-error`` with
    the reason, so a registry that has it already learns to disregard it."""
    setting = {
        "system": system("CodeSystem/vaccination-setting"),
        "code": record.setting,
        "display": SETTING_DISPLAY[record.setting],
    }
    resource = {
        "resourceType": "Immunization",
        "id": str(record.pk),
        "identifier": [{"system": system("sid/vaccination-record"), "value": str(record.pk)}],
        "extension": [
            {"url": system("StructureDefinition/vaccination-setting"), "valueCoding": setting}
        ],
        "status": "completed" if record.is_valid else "entered-in-error",
    }
    if not record.is_valid:
        resource["statusReason"] = {"text": record.invalidation_reason or "Invalidated"}
    resource |= {
        "vaccineCode": _vaccine_code(record.product),
        "patient": {
            "type": "Patient",
            "identifier": {"system": system("sid/citizen"), "value": str(record.citizen_id)},
        },
        "occurrenceDateTime": _datetime(record.given_at),
        "recorded": _datetime(record.recorded_at),
        "primarySource": True,
        "location": {"display": SETTING_DISPLAY[record.setting]},
        "lotNumber": record.batch,
        "performer": [
            {
                "function": {
                    "coding": [
                        {
                            "system": PERFORMER_FUNCTION,
                            "code": "AP",
                            "display": "Administering Provider",
                        }
                    ]
                },
                "actor": {
                    "type": "Organization",
                    "identifier": {
                        "system": system("sid/vaccinator-organisation"),
                        "value": record.vaccinator_organisation.code,
                    },
                    "display": record.vaccinator_organisation.name,
                },
            }
        ],
        "note": [
            {
                "text": (
                    f"Observed for {record.observation_minutes} minutes after vaccination."
                    if record.observation_done
                    else f"Observation of {record.observation_minutes} minutes not recorded "
                    "as done."
                )
            }
        ],
    }
    reactions = [_reaction(reaction) for reaction in record.adverse_reactions.all()]
    if reactions:
        resource["reaction"] = reactions
    resource["protocolApplied"] = [
        {
            "targetDisease": [{"coding": [dict(COVID_19)]}],
            "doseNumberPositiveInt": record.dose,
            "seriesDosesPositiveInt": SERIES_DOSES,
        }
    ]
    return resource


def bundle(*, entries: list[tuple[str, dict]], total: int, links: dict[str, str]) -> dict:
    """A ``searchset`` Bundle of (fullUrl, resource) entries, with its paging links."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": relation, "url": url} for relation, url in links.items()],
        "entry": [
            {"fullUrl": url, "resource": resource, "search": {"mode": "match"}}
            for url, resource in entries
        ],
    }


def operation_outcome(*, code: str, diagnostics: str) -> dict:
    """An error the FHIR way: ``code`` from the IssueType value set (invalid, not-found, ...)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
