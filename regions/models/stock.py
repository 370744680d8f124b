from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from regions.vials import vials_and_doses


class Consumable(models.TextChoices):
    """What goes with the vaccine, derived from the doses and vials allocated."""

    LOW_DEAD_VOLUME_SYRINGE = "ldv_syringe", _("Low-dead-volume syringes")
    SYRINGE = "syringe", _("Syringes (1 ml)")
    NEEDLE = "needle", _("Needles")
    DILUENT = "diluent", _("Diluent (sodium chloride 9 mg/ml)")
    DILUTION_SYRINGE = "dilution_syringe", _("Dilution syringes (2 ml)")
    ANAPHYLAXIS_KIT = "anaphylaxis_kit", _("Anaphylaxis kits")


class StockBatch(models.Model):
    """A lot of a vaccine product with its expiry date, as printed on the carton."""

    product = models.ForeignKey(
        "outreach.VaccineProduct", on_delete=models.PROTECT, related_name="batches"
    )
    lot_number = models.CharField(_("batch/lot number"), max_length=40)
    expires_on = models.DateField(_("expiry date"))

    class Meta:
        ordering = ["expires_on", "lot_number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_number"], name="one_batch_per_lot")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.lot_number}"


class StockHolder(models.Model):
    """Where stock is: the region's store, a pop-up session or a route day."""

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="stock_holders"
    )
    session = models.OneToOneField(
        "regions.PopupSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_holder",
    )
    route_day = models.OneToOneField(
        "regions.RouteDay",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_holder",
    )

    class Meta:
        verbose_name = _("stock holder")
        verbose_name_plural = _("stock holders")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=True) | Q(route_day__isnull=True),
                name="stock_holder_one_place",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(session__isnull=True, route_day__isnull=True),
                name="one_store_per_region",
            ),
        ]

    def __str__(self) -> str:
        if self.session_id:
            return str(self.session)
        if self.route_day_id:
            return str(self.route_day)
        return str(_("The region's store"))


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses the bulk writes that would bypass the model's own refusal."""

    def update(self, **kwargs):
        raise ValueError("Stock movements are append-only.")

    def delete(self):
        raise ValueError("Stock movements are append-only.")


class StockMovement(models.Model):
    """One entry of the stock ledger. Append-only: a mistake is corrected by a new movement.

    Vaccine is counted in doses (a receipt or allocation of vials writes vials x doses per vial),
    consumables in pieces. A movement takes from ``source`` and/or gives to ``target``: a receipt
    only gives to the store; an allocation moves from the store to a session or route day; a
    return moves back; administered and wasted doses only take.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ALLOCATION = "allocation", _("Allocation")
        RETURN = "return", _("Return")
        ADMINISTERED = "administered", _("Administered")
        WASTED = "wasted", _("Wasted")

    class WasteReason(models.TextChoices):
        NONE = "", _("—")
        EXPIRED_AFTER_OPENING = "expired_after_opening", _("Vial expired after opening")
        LEFT_IN_VIAL = "left_in_vial", _("Doses left in an opened vial")
        DROPPED = "dropped", _("Dropped or broken")
        COLD_CHAIN = "cold_chain", _("Cold chain broken")
        EXPIRED = "expired", _("Past its expiry date")
        OTHER = "other", _("Other")

    region = models.ForeignKey(
        "outreach.Region", on_delete=models.PROTECT, related_name="stock_movements"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    batch = models.ForeignKey(
        StockBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    consumable = models.CharField(
        _("consumable"), max_length=20, choices=Consumable, blank=True, default=""
    )
    quantity = models.PositiveIntegerField(_("quantity"), help_text=_("Doses, or pieces."))
    source = models.ForeignKey(
        StockHolder, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(
        StockHolder, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    waste_reason = models.CharField(
        _("why wasted"), max_length=24, choices=WasteReason, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(batch__isnull=False, consumable="")
                | Q(batch__isnull=True) & ~Q(consumable=""),
                name="movement_vaccine_or_consumable",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(target__isnull=False),
                name="movement_has_a_side",
            ),
            models.CheckConstraint(
                condition=Q(kind="wasted") | Q(waste_reason=""),
                name="movement_waste_reason_only_when_wasted",
            ),
        ]
        indexes = [models.Index(fields=["region", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Stock movements are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Stock movements are append-only.")

    @property
    def item(self) -> str:
        return _item(self.batch, self.get_consumable_display())

    @property
    def amount(self) -> str:
        if self.batch is not None and self.kind in (self.Kind.ADMINISTERED, self.Kind.WASTED):
            # Doses given or wasted are counted one by one, not as vials.
            return ngettext("%(n)d dose", "%(n)d doses", self.quantity) % {"n": self.quantity}
        return _amount(self.batch, self.quantity)


class StockBalance(models.Model):
    """What a holder has of a batch or a consumable: the sum of the ledger's movements, kept in
    the same transaction as each movement. The database refuses a negative balance, so two
    coordinators taking the last vials at once cannot both succeed."""

    holder = models.ForeignKey(StockHolder, on_delete=models.PROTECT, related_name="balances")
    batch = models.ForeignKey(
        StockBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="balances"
    )
    consumable = models.CharField(max_length=20, choices=Consumable, blank=True, default="")
    quantity = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="stock_balance_never_negative"
            ),
            models.UniqueConstraint(
                fields=["holder", "batch"],
                condition=Q(batch__isnull=False),
                name="one_balance_per_holder_and_batch",
            ),
            models.UniqueConstraint(
                fields=["holder", "consumable"],
                condition=Q(batch__isnull=True),
                name="one_balance_per_holder_and_consumable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder}: {self.batch or self.consumable} {self.quantity}"

    @property
    def item(self) -> str:
        return _item(self.batch, self.get_consumable_display())

    @property
    def amount(self) -> str:
        return _amount(self.batch, self.quantity)


def _item(batch: StockBatch | None, consumable: str) -> str:
    """What a ledger line is about, e.g. "Comirnaty, batch EK9788 (expires 2021-06-30)"."""
    if batch is None:
        return str(consumable)
    return _("%(product)s, batch %(lot)s (expires %(day)s)") % {
        "product": batch.product.name,
        "lot": batch.lot_number,
        "day": batch.expires_on.isoformat(),
    }


def _amount(batch: StockBatch | None, quantity: int) -> str:
    """Vaccine in vials and doses, consumables in pieces."""
    if batch is None:
        return str(quantity)
    return vials_and_doses(quantity, batch.product.doses_per_vial)
