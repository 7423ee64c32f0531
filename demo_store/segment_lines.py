"""Segment-spec JSON lines, built as f-strings from pre-rendered fragments (the generator's hot path).

A device is one browser or app install, known by its `anonymousId`; once it is identified, its calls carry
the person's `userId` as well. Server-side sources (the email/SMS/push provider, the Customer Hub, the shop
backend) send `userId` only, in UTC. A device with a `placeholder_user_id` (a broken integration, hostile.py)
sends that placeholder as `userId` on its calls until it is identified.
"""

from __future__ import annotations

import json
import random

from demo_store.locales import UTC, Zone
from demo_store.persons import Person, event_zone, written_email
from demo_store.timestamps import AS_OF_EPOCH, segment_time_fields

NEVER = float("inf")
_WEB_LIBRARY = '"library":{"name":"analytics.js","version":"2.11.1"}'
_IOS_LIBRARY = '"library":{"name":"analytics-ios","version":"4.1.8"}'
_ANDROID_LIBRARY = '"library":{"name":"analytics-android","version":"4.11.3"}'
MESSAGING_CONTEXT = '"library":{"name":"klaviyo-segment-source","version":"1.4.0"}'
HUB_CONTEXT = '"library":{"name":"customer-hub","version":"3.2.0"}'
BACKEND_CONTEXT = '"library":{"name":"shopify-segment-app","version":"2.0.1"}'
_USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
)


class Device:
    """One browser or app install of a person; `identified_at` is when it starts sending `userId`."""

    __slots__ = (
        "anonymous_id",
        "context",
        "zone",
        "start",
        "identified_at",
        "is_app",
        "used",
        "placeholder_user_id",
        "sent_placeholder",
    )

    def __init__(self, rng: random.Random, person: Person, start: float, is_app: bool) -> None:
        hex_id = f"{rng.getrandbits(128):032x}"
        self.anonymous_id = f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"
        ip_bits = rng.getrandbits(32)
        ip = (
            f"{11 + (ip_bits >> 24) % 212}.{(ip_bits >> 16) & 255}.{(ip_bits >> 8) & 255}."
            f"{1 + (ip_bits & 255) % 254}"
        )
        if is_app:
            library = _IOS_LIBRARY if rng.random() < 0.55 else _ANDROID_LIBRARY
            self.context = f'{library},"ip":"{ip}"'
        elif rng.random() < 0.7:
            self.context = f'{_WEB_LIBRARY},"ip":"{ip}","userAgent":"{rng.choice(_USER_AGENTS)}"'
        else:
            self.context = f'{_WEB_LIBRARY},"ip":"{ip}"'
        self.zone = event_zone(person, rng)
        self.start = start
        self.identified_at = NEVER
        self.is_app = is_app
        self.used = False
        # A broken integration's userId on the device's calls before it is identified (hostile.py).
        self.placeholder_user_id = ""
        self.sent_placeholder = False


class SegmentLines:
    """Collects one person's event lines as (time, line) pairs; the caller sorts and writes them."""

    def __init__(self, rng: random.Random, person: Person) -> None:
        self.rng = rng
        self.person = person
        self.lines: list[tuple[float, str]] = []
        self._user_ids = f'"userId":"{person.shopify_customer_id}",' if person.has_account else ""

    def _add(self, t: float, head: str, ids: str, zone: Zone, context: str, payload: str) -> None:
        rng = self.rng
        draw = rng.random()  # one draw gives the send lag (0-3 s) and, for 70%, a receivedAt
        times = segment_time_fields(t, draw * 3.0, zone, draw < 0.7)
        message_id = f"{rng.getrandbits(128):032x}"
        line = f'{{"messageId":"{message_id}",{head}{ids}{times},"context":{{{context}}}{payload}}}'
        self.lines.append((t, line))

    def _device_ids(self, device: Device, t: float) -> str:
        device.used = True
        if t >= device.identified_at:
            return f'{self._user_ids}"anonymousId":"{device.anonymous_id}",'
        if device.placeholder_user_id:
            device.sent_placeholder = device.sent_placeholder or t < AS_OF_EPOCH
            return f'"userId":"{device.placeholder_user_id}","anonymousId":"{device.anonymous_id}",'
        return f'"anonymousId":"{device.anonymous_id}",'

    def device_track(self, device: Device, t: float, event: str, properties: str) -> None:
        """A browser/app `track` call; identified devices sometimes add `context.traits.email`."""
        ids = self._device_ids(device, t)
        context = device.context
        if t >= device.identified_at and self.rng.random() < 0.1:
            email = json.dumps(written_email(self.person, self.rng), ensure_ascii=False)
            context = f'{context},"traits":{{"email":{email}}}'
        self._add(
            t, f'"type":"track","event":"{event}",', ids, device.zone, context, f',"properties":{properties}'
        )

    def anonymous_track(self, device: Device, t: float, event: str, properties: str) -> None:
        """A `track` call from the shop backend about a guest's device (anonymousId only, UTC)."""
        device.used = True
        self._add(
            t,
            f'"type":"track","event":"{event}",',
            f'"anonymousId":"{device.anonymous_id}",',
            UTC,
            BACKEND_CONTEXT,
            f',"properties":{properties}',
        )

    def server_track(self, t: float, event: str, properties: str, context: str) -> None:
        """A server-side `track` call keyed by `userId` only, timestamped in UTC."""
        self._add(
            t,
            f'"type":"track","event":"{event}",',
            self._user_ids,
            UTC,
            context,
            f',"properties":{properties}',
        )

    def page(self, device: Device, t: float, name: str, path: str) -> None:
        """A `page` call (or a `screen` call on an app device)."""
        ids = self._device_ids(device, t)
        if device.is_app:
            self._add(t, f'"type":"screen","name":"{name}",', ids, device.zone, device.context, "")
            return
        payload = f',"properties":{{"url":"https://shop.example.com{path}","path":"{path}"}}'
        self._add(t, f'"type":"page","name":"{name}",', ids, device.zone, device.context, payload)

    def identify(self, device: Device | None, t: float, traits: str, with_user_id: bool) -> None:
        """An `identify` call: userId and/or the device's anonymousId, with traits."""
        ids = self._user_ids if with_user_id else ""
        if device is not None:
            device.used = True
            ids = f'{ids}"anonymousId":"{device.anonymous_id}",'
        zone = device.zone if device is not None else UTC
        context = device.context if device is not None else BACKEND_CONTEXT
        self._add(t, '"type":"identify",', ids, zone, context, f',"traits":{traits}')

    def alias(self, device: Device, t: float) -> None:
        """An `alias` call linking the device's anonymousId (previousId) to the userId."""
        device.used = True
        self._add(
            t,
            '"type":"alias",',
            f'"previousId":"{device.anonymous_id}",{self._user_ids}',
            device.zone,
            device.context,
            "",
        )
