"""The store's fixed clock and fast timestamp text in each source's format.

Never reads the wall clock: history runs for three years up to `AS_OF`, so a seed always gives the same files.
Times inside the generator are float seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from datetime import UTC as DATETIME_UTC
from datetime import date, datetime

from demo_store.locales import UTC, Zone

AS_OF = datetime(2026, 11, 1, tzinfo=DATETIME_UTC)
AS_OF_EPOCH = int(AS_OF.timestamp())
HISTORY_DAYS = 3 * 365
START_EPOCH = AS_OF_EPOCH - HISTORY_DAYS * 86400
DAY_SECONDS = 86400.0

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FIRST_CACHED_DAY = START_EPOCH // 86400 - 400
_LAST_CACHED_DAY = AS_OF_EPOCH // 86400 + 400
_DAY_TEXT = [
    date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
    for day in range(_FIRST_CACHED_DAY, _LAST_CACHED_DAY + 1)
]
# Text of every local hour of the history (`2026-03-07T09:` and `2026-03-07 09:`), about 45,000 short strings:
# formatting a timestamp is then two divisions and one f-string.
_FIRST_CACHED_HOUR = _FIRST_CACHED_DAY * 24
_ISO_HOURS = [f"{day}T{hour:02d}:" for day in _DAY_TEXT for hour in range(24)]
_SPACED_HOURS = [f"{day} {hour:02d}:" for day in _DAY_TEXT for hour in range(24)]
_CACHED_HOURS = len(_ISO_HOURS)


def day_text(epoch_day: int) -> str:
    """`YYYY-MM-DD` of a day counted from 1970-01-01; cached for the store's history."""
    if _FIRST_CACHED_DAY <= epoch_day <= _LAST_CACHED_DAY:
        return _DAY_TEXT[epoch_day - _FIRST_CACHED_DAY]
    return date.fromordinal(_EPOCH_ORDINAL + epoch_day).isoformat()


def _hour_text(hours: list[str], epoch_hour: int, separator: str) -> str:
    index = epoch_hour - _FIRST_CACHED_HOUR
    if 0 <= index < len(hours):
        return hours[index]
    day, hour = divmod(epoch_hour, 24)
    return f"{day_text(day)}{separator}{hour:02d}:"


def iso_ms(t: float, zone: Zone) -> str:
    """Segment style `2026-03-07T09:50:26.123+01:00` (or `...Z` in UTC)."""
    local = t + zone.offset_minutes * 60
    whole = int(local // 1.0)
    hour, second_of_hour = divmod(whole, 3600)
    minute, second = divmod(second_of_hour, 60)
    prefix = _hour_text(_ISO_HOURS, hour, "T")
    return f"{prefix}{minute:02d}:{second:02d}.{int((local - whole) * 1000):03d}{zone.iso_suffix}"


def segment_time_fields(t: float, lag: float, zone: Zone, with_received_at: bool) -> str:
    """`"timestamp":"...","sentAt":"..."` (sent `lag` seconds later), maybe `,"receivedAt":"..."` in UTC.

    The hot path of the generator (three timestamps per event), so `iso_ms` is inlined for the first two.
    """
    local = t + zone.offset_minutes * 60
    whole = int(local // 1.0)
    hour, second_of_hour = divmod(whole, 3600)
    index = hour - _FIRST_CACHED_HOUR
    sent = local + lag
    sent_whole = int(sent // 1.0)
    sent_hour, sent_second_of_hour = divmod(sent_whole, 3600)
    if index >= 0 and sent_hour - _FIRST_CACHED_HOUR < _CACHED_HOURS:
        minute, second = divmod(second_of_hour, 60)
        sent_minute, sent_second = divmod(sent_second_of_hour, 60)
        suffix = zone.iso_suffix
        millis = int((local - whole) * 1000)
        sent_millis = int((sent - sent_whole) * 1000)
        fields = (
            f'"timestamp":"{_ISO_HOURS[index]}{minute:02d}:{second:02d}.{millis:03d}{suffix}",'
            f'"sentAt":"{_ISO_HOURS[sent_hour - _FIRST_CACHED_HOUR]}{sent_minute:02d}:{sent_second:02d}.'
            f'{sent_millis:03d}{suffix}"'
        )
    else:
        fields = f'"timestamp":"{iso_ms(t, zone)}","sentAt":"{iso_ms(t + lag, zone)}"'
    if with_received_at:
        return f'{fields},"receivedAt":"{iso_ms(t + lag + 0.25, UTC)}"'
    return fields


def iso_seconds(t: float, zone: Zone) -> str:
    """`2026-03-07T09:50:26+01:00`, as WooCommerce and the CRM write it (UTC as `+00:00`)."""
    hour, second_of_hour = divmod(int(t // 1.0) + zone.offset_minutes * 60, 3600)
    minute, second = divmod(second_of_hour, 60)
    suffix = "+00:00" if zone.offset_minutes == 0 else zone.iso_suffix
    return f"{_hour_text(_ISO_HOURS, hour, 'T')}{minute:02d}:{second:02d}{suffix}"


def shopify_time(t: float, zone: Zone) -> str:
    """Shopify export style `2026-03-07 09:50:26 +0100` (space before the offset)."""
    hour, second_of_hour = divmod(int(t // 1.0) + zone.offset_minutes * 60, 3600)
    minute, second = divmod(second_of_hour, 60)
    return f"{_hour_text(_SPACED_HOURS, hour, ' ')}{minute:02d}:{second:02d} {zone.compact_suffix}"
