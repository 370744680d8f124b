"""Bar charts drawn on the server as inline SVG (``templates/municipalities/_bar_chart.html``).

A chart is a list of (label, value) pairs; the geometry is worked out here so the template only
places what it is given. Each bar has its label on the line above it and its number after it, so
the chart reads without colour and keeps its proportions when the SVG scales down to a phone. The
same numbers always sit in a table beside the chart: the chart is for looking, the table for
reading and for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 400  # viewBox units; the SVG scales to the width it is given
FONT_SIZE = 16  # about 11 px on a 320 px phone, 18 px on a desktop
NUMBER_SPACE = 64  # room after the longest bar for its number
ROW_HEIGHT = 56
LABEL_BASELINE = 16
BAR_TOP = 23
BAR_HEIGHT = 20
LABEL_CHARACTERS = 44  # a longer label is cut short here (the table has it in full)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    note: str
    label_y: int
    bar_y: int
    bar_width: float
    number_x: float
    number_y: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    font_size: int = FONT_SIZE
    bar_height: int = BAR_HEIGHT


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(
    *, chart_id: str, title: str, data: list[tuple[str, int | None]], missing: str = ""
) -> BarChart:
    """A horizontal bar chart of ``data``; a value of None draws no bar but the ``missing`` note
    (for a step the system does not record: no number is better than a made-up zero)."""
    largest = max((value for _label, value in data if value), default=0)
    scale = (WIDTH - NUMBER_SPACE) / largest if largest else 0
    bars = []
    for index, (label, value) in enumerate(data):
        top = index * ROW_HEIGHT
        width = round(value * scale, 1) if value else 0
        bars.append(
            Bar(
                label=_short(label),
                value=value,
                note=missing,
                label_y=top + LABEL_BASELINE,
                bar_y=top + BAR_TOP,
                bar_width=width,
                number_x=width + 6,
                number_y=top + BAR_TOP + BAR_HEIGHT - 4,
            )
        )
    return BarChart(id=chart_id, title=title, bars=bars, width=WIDTH, height=len(data) * ROW_HEIGHT)
