"""What came of the vaccinator's day: the safety checklist, the outcome of each home visit and
pop-up booking, vials opened and finished, acute adverse reactions, and finishing a route or a
session.

A write on a route list (or a pop-up session) first locks that row: two taps on one phone, or two
vaccinators sharing a list, are served one after the other, so a stop never gets two outcomes and
a vial is never opened twice.

The stock ledger hears of the doses given when the route or session is settled
(``route_list_finish``, ``popup_session_finish``), per batch, counted from the valid vaccination
records. Until then a wrong "vaccinated" is corrected by invalidating its record, with no movement
to undo (the ledger is append-only and its quantities positive, so it cannot take a dose back).
Doses left in a finished vial are wasted into the ledger at once. See
``docs/adr/0012-outcomes-and-the-ledger.md``.

One module per concern: ``checklists``, ``home_visits`` (stops, vials, finishing a route),
``sessions`` (pop-up bookings, finishing a session), ``reactions``, ``settlement`` (the stock a
finished route or session books) and ``_common`` (what they share); callers import from here.
"""

from vaccinators.services.outcomes._common import (
    BACK_TO_THE_MUNICIPALITY,
    CLOCK_SLACK,
    TO_THE_POOL,
    Status,
)
from vaccinators.services.outcomes.checklists import checklist_confirm
from vaccinators.services.outcomes.home_visits import (
    route_list_finish,
    stop_outcome_correct,
    stop_outcome_record,
    vial_finish,
    vial_open,
)
from vaccinators.services.outcomes.reactions import adverse_reaction_record
from vaccinators.services.outcomes.sessions import (
    booking_outcome_correct,
    booking_outcome_record,
    popup_session_finish,
)

__all__ = [
    "BACK_TO_THE_MUNICIPALITY",
    "CLOCK_SLACK",
    "TO_THE_POOL",
    "Status",
    "adverse_reaction_record",
    "booking_outcome_correct",
    "booking_outcome_record",
    "checklist_confirm",
    "popup_session_finish",
    "route_list_finish",
    "stop_outcome_correct",
    "stop_outcome_record",
    "vial_finish",
    "vial_open",
]
