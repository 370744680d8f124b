"""What goes with vials of a vaccine: derived from the product's facts, never typed in.

Per dose: a syringe (low-dead-volume where the product needs it, or the last dose cannot be
drawn) and a needle. Per vial of a product that is diluted: one ampoule of diluent, a dilution
syringe and a needle to draw it. Per team (a session or a route day): one anaphylaxis kit.
"""

from __future__ import annotations

from outreach.models import VaccineProduct
from regions.models import Consumable


def consumables_for(product: VaccineProduct, vials: int) -> dict[str, int]:
    doses = vials * product.doses_per_vial
    syringe = (
        Consumable.LOW_DEAD_VOLUME_SYRINGE
        if product.low_dead_volume_syringes
        else Consumable.SYRINGE
    )
    needs = {syringe: doses, Consumable.NEEDLE: doses}
    if product.needs_dilution:
        needs[Consumable.DILUENT] = vials
        needs[Consumable.DILUTION_SYRINGE] = vials
        needs[Consumable.NEEDLE] += vials
    return {item: count for item, count in needs.items() if count}


def consumables_per_administered_dose(product: VaccineProduct) -> dict[str, int]:
    """Used up with each dose given: its syringe and needle."""
    return {
        key: 1
        for key in consumables_for(product, 1)
        if key in (Consumable.LOW_DEAD_VOLUME_SYRINGE, Consumable.SYRINGE, Consumable.NEEDLE)
    }


def consumables_per_opened_vial(product: VaccineProduct) -> dict[str, int]:
    """Used up by opening a vial of a product that is diluted: its diluent, the dilution syringe
    and the needle that draws the diluent (nothing for a product used as it comes)."""
    if not product.needs_dilution:
        return {}
    return {Consumable.DILUENT: 1, Consumable.DILUTION_SYRINGE: 1, Consumable.NEEDLE: 1}
