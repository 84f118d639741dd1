"""Lap times, race times, gaps and average speeds, as printed on a timing sheet."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from .models import KM_PER_MILE

TIME_PATTERN = re.compile(
    r"^(?:(?:(?P<hours>\d+):)?(?P<minutes>\d{1,2}):)?(?P<seconds>\d{1,2}(?:\.\d{1,3})?)$"
)


def parse_time(text: str) -> datetime.timedelta:
    """'1:48.710', '12:01:22.576', '16.319' -> timedelta; ValueError otherwise."""
    match = TIME_PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time like 1:48.710 or 2:45:13.916")
    hours = int(match["hours"] or 0)
    minutes = int(match["minutes"] or 0)
    seconds = Decimal(match["seconds"])
    if match["minutes"] is not None and seconds >= 60:
        raise ValueError(f"{text!r} has more than 59 seconds")
    if match["hours"] is not None and minutes >= 60:
        raise ValueError(f"{text!r} has more than 59 minutes")
    return datetime.timedelta(
        hours=hours, minutes=minutes, microseconds=int(seconds * 1_000_000)
    )


def format_time(time: datetime.timedelta) -> str:
    """'1:48.710', '2:45:13.916' or '16.319': milliseconds, no leading zeros."""
    total_ms = round(time.total_seconds() * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, ms = divmod(rest, 1000)
    if hours:
        return f"{hours}:{minutes:02}:{seconds:02}.{ms:03}"
    if minutes:
        return f"{minutes}:{seconds:02}.{ms:03}"
    return f"{seconds}.{ms:03}"


def format_gap_time(time: datetime.timedelta) -> str:
    """A gap in time: '1.4 s' rather than '1.400' for short gaps, else '1:08.446'."""
    text = format_time(time)
    if ":" in text:
        return text
    return f"{text.rstrip('0').rstrip('.')} s"


def average_speed_mph(
    laps: int, lap_length_mi: Decimal, time: datetime.timedelta
) -> Decimal | None:
    """Distance over time in mph, to one decimal; None without a distance or time."""
    if not laps or not lap_length_mi or time.total_seconds() <= 0:
        return None
    hours = Decimal(str(time.total_seconds())) / 3600
    return (laps * lap_length_mi / hours).quantize(Decimal("0.1"), ROUND_HALF_UP)


def mph_to_kmh(mph: Decimal) -> Decimal:
    return (mph * KM_PER_MILE).quantize(Decimal("0.1"), ROUND_HALF_UP)


def stated_gap(entry) -> str | None:
    """A row's gap as its source states it, or None when none is stated.

    '2:45:13.916 (race time)' on a winner's row, '5 laps', '1.4 s', or
    '22 laps to GTS winner' when the source measures to the class winner.
    """
    if entry.race_time is not None:
        return f"{format_time(entry.race_time)} (race time)"
    if entry.gap_laps is not None:
        gap = "1 lap" if entry.gap_laps == 1 else f"{entry.gap_laps} laps"
    elif entry.gap_time is not None:
        gap = format_gap_time(entry.gap_time)
    else:
        return None
    if entry.is_gap_to_class_winner:
        return f"{gap} to {entry.car_class.code} winner"
    return gap


def shown_gap(entry) -> str:
    """The stated gap as the results table shows it: the race time alone,
    gaps with a plus ('+5 laps', '+1.4 s', '+22 laps to GTS winner'); ""
    when none is stated."""
    if entry.race_time is not None:
        return format_time(entry.race_time)
    gap = stated_gap(entry)
    return f"+{gap}" if gap else ""
