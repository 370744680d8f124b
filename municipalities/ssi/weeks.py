"""ISO weeks, as SSI's lists are labelled: ``2021-W10`` is the week starting Monday 8 March 2021."""

import datetime
import re

from django.utils import timezone

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(value: str) -> datetime.date:
    """The Monday of an ISO week like ``2021-W10``; ``ValueError`` for anything else."""
    match = _WEEK.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not an ISO week like 2021-W10.")
    return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)


def week_label(monday: datetime.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def current_week() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())
