"""The vaccinator's API: route lists (``route_lists``) and pop-up sessions (``sessions``), with
what they share in ``common``. Each view finds the practice, the list or session and the stop or
booking through the same access calls and selectors as the phone pages, and records through the
same services (``vaccinators.services.outcomes``): the checklist gate, one outcome per citizen
and the row locks hold here too. A refusal because of the state of things (no checklist yet, an
outcome already recorded, a route or session not under way) is a 409 with the service's message;
a wrong batch or a missing checklist item a 400 naming the field."""
