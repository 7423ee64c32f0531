"""Malformed Segment lines, made from a valid line so they look like the real thing around them.

Each corrupted line gets a fresh `messageId`, so it never collides with the valid line it was made from.
Defect names (the `defect` column of `ground_truth/malformed.csv.gz`):
`invalid_json` (a truncated line), `wrong_type_timestamp` (a number), `wrong_type_properties` (a list),
`wrong_type_user_id` (an object), `missing_identifier` (no userId, anonymousId or previousId),
`impossible_timestamp` (year 2999 or 1900), `unparseable_timestamp` (`not-a-date`),
`unknown_type` (`purchase`).
"""

from __future__ import annotations

import json
import random

EVENT_DEFECTS = (
    "invalid_json",
    "wrong_type_timestamp",
    "wrong_type_properties",
    "wrong_type_user_id",
    "missing_identifier",
    "impossible_timestamp",
    "unparseable_timestamp",
    "unknown_type",
)
_DEFECT_WEIGHTS = (3, 1, 1, 1, 2, 1, 1, 1)


def corrupt_event(line: str, rng: random.Random) -> tuple[str, str]:
    """A malformed variant of the valid event `line`, and the name of its defect."""
    defect = rng.choices(EVENT_DEFECTS, _DEFECT_WEIGHTS)[0]
    event = json.loads(line)
    event["messageId"] = f"{rng.getrandbits(128):032x}"
    if defect == "invalid_json":
        text = json.dumps(event, separators=(",", ":"))
        return text[: rng.randint(12, len(text) - 2)], defect
    if defect == "wrong_type_timestamp":
        event["timestamp"] = rng.randint(1_700_000_000_000, 1_790_000_000_000)
    elif defect == "wrong_type_properties":
        event["properties"] = [event.get("properties") or {}]
    elif defect == "wrong_type_user_id":
        event["userId"] = {"id": event.get("userId") or event.get("anonymousId")}
    elif defect == "missing_identifier":
        for key in ("userId", "anonymousId", "previousId"):
            event.pop(key, None)
    elif defect == "impossible_timestamp":
        event["timestamp"] = rng.choice(("2999", "1900")) + event["timestamp"][4:]
    elif defect == "unparseable_timestamp":
        event["timestamp"] = "not-a-date"
    else:
        event["type"] = "purchase"
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False), defect
