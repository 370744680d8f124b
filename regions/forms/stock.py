"""Forms of the stock ledger: receipts at the store, and allocating, returning and using stock at a
session or route day. The batch choices are built from balances the view has already read, so a
form adds no query."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach.models import VaccineProduct
from regions.models import Consumable, StockBalance, StockBatch, StockMovement
from regions.vials import vials_and_doses

NUMBER = {"class": "form-input input-width-xs", "inputmode": "numeric"}


def _number(label, *, minimum: int, required: bool = True, help_text: str = "") -> forms.Field:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=100_000,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs=NUMBER),
    )


class ReceiveVaccineForm(forms.Form):
    product = forms.ModelChoiceField(
        label=gettext_lazy("Vaccine"),
        queryset=VaccineProduct.objects.order_by("name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    lot_number = forms.CharField(
        label=gettext_lazy("Batch/lot number"),
        max_length=40,
        help_text=gettext_lazy("As printed on the carton."),
        widget=forms.TextInput(attrs={"class": "form-input input-width-s"}),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expiry date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-input input-width-s"}),
    )
    vials = _number(gettext_lazy("Vials"), minimum=1)


class ReceiveConsumableForm(forms.Form):
    consumable = forms.ChoiceField(
        label=gettext_lazy("Consumable"),
        choices=Consumable.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    quantity = _number(gettext_lazy("Pieces"), minimum=1)


class _BatchChoiceForm(forms.Form):
    """A form with a ``batch`` select over given batches."""

    def _batch_choices(self, batches: list[StockBatch], labels: list[str], empty: str | None):
        self._batches = {str(batch.pk): batch for batch in batches}
        choices = [(str(batch.pk), label) for batch, label in zip(batches, labels, strict=True)]
        if empty is not None:
            choices.insert(0, ("", empty))
        self.fields["batch"].choices = choices

    def clean_batch(self) -> StockBatch | None:
        return self._batches.get(self.cleaned_data["batch"])


def _batch_label(batch: StockBatch, doses: int, where: str) -> str:
    return _("%(lot)s, expires %(day)s: %(amount)s %(where)s") % {
        "lot": batch.lot_number,
        "day": batch.expires_on.isoformat(),
        "amount": vials_and_doses(doses, batch.product.doses_per_vial),
        "where": where,
    }


class AllocateForm(_BatchChoiceForm):
    vials = _number(gettext_lazy("Vials"), minimum=1)
    batch = forms.ChoiceField(
        label=gettext_lazy("Batch"),
        required=False,
        help_text=gettext_lazy("Empty: the batches that expire first are taken first."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, fefo: list[tuple[StockBatch, int]], **kwargs):
        super().__init__(*args, **kwargs)
        self._batch_choices(
            [batch for batch, _doses in fefo],
            [_batch_label(batch, doses, _("in the store")) for batch, doses in fefo],
            empty=_("First to expire, first out"),
        )


def _held_batches(held: list[StockBalance], *, whole_vials: bool) -> list[StockBalance]:
    return [
        balance
        for balance in held
        if balance.batch is not None
        and (not whole_vials or balance.quantity >= balance.batch.product.doses_per_vial)
    ]


class ReturnForm(_BatchChoiceForm):
    batch = forms.ChoiceField(
        label=gettext_lazy("Batch"), widget=forms.Select(attrs={"class": "form-select"})
    )
    vials = _number(
        gettext_lazy("Unopened vials"),
        minimum=1,
        help_text=gettext_lazy("Their syringes, needles and diluent go back with them."),
    )

    def __init__(self, *args, held: list[StockBalance], **kwargs):
        super().__init__(*args, **kwargs)
        batches = _held_batches(held, whole_vials=True)
        self._batch_choices(
            [balance.batch for balance in batches],
            [_batch_label(b.batch, b.quantity, _("here")) for b in batches],
            empty=None,
        )


class UseForm(_BatchChoiceForm):
    batch = forms.ChoiceField(
        label=gettext_lazy("Batch"), widget=forms.Select(attrs={"class": "form-select"})
    )
    administered = _number(gettext_lazy("Doses given"), minimum=0, required=False)
    wasted = _number(gettext_lazy("Doses wasted"), minimum=0, required=False)
    waste_reason = forms.ChoiceField(
        label=gettext_lazy("Why wasted"),
        required=False,
        choices=[
            ("", gettext_lazy("Nothing wasted")),
            *(
                (value, label)
                for value, label in StockMovement.WasteReason.choices
                if value != StockMovement.WasteReason.NONE
            ),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("No names or CPR numbers."),
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, held: list[StockBalance], **kwargs):
        super().__init__(*args, **kwargs)
        batches = _held_batches(held, whole_vials=False)
        self._batch_choices(
            [balance.batch for balance in batches],
            [_batch_label(b.batch, b.quantity, _("here")) for b in batches],
            empty=None,
        )

    def clean(self):
        data = super().clean()
        if not (data.get("administered") or data.get("wasted")) and not self.errors:
            raise forms.ValidationError(_("Enter the doses given or wasted."))
        if data.get("wasted") and not data.get("waste_reason"):
            self.add_error("waste_reason", _("Say why the doses were wasted."))
        return data
