"""Profile attributes from config/profiles.yaml: survivorship, transformations, consent, suppression and activity.

Validated here so a bad rule fails before dbt runs, naming the file and the field; `as_dbt_var()` hands the result to
dbt as var `cdp_attributes`, which the profile models compile into one pass over the source records. The defaults
here are the only ones: the SQL keeps no copy, and a model run without the var fails naming it
(`dbt_project/macros/profile_attributes/profile_attribute_settings.sql`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic

from assets.profiles.metrics_config import PropertyFilter
from core.config_files import load_config

PROFILES_FILE = "profiles.yaml"

# The attributes every source record may carry (columns of int_profile_records), in profile column order.
STANDARD_ATTRIBUTES = (
    "first_name", "last_name", "email", "phone", "birthday",
    "street", "city", "state", "postal_code", "country",
)
# Columns the profile models write themselves: no custom property or transformation may take these names.
RESERVED_NAMES = frozenset({
    "profile_id", "email_consent", "sms_consent", "push_consent", "is_suppressed", "suppressed_at",
    "suppression_reason", "is_active", "first_seen_at", "last_seen_at", "identifier_count", "order_count",
    "event_count", "custom_properties", "transformed_properties", "record_count",
})
# A name becomes a column of int_profile_attributes_* and a key in JSON: lower-case identifier only.
PROPERTY_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SOURCE_LABEL = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# strptime directives a date format may use; anything else is rejected before it reaches SQL.
DATE_FORMAT = re.compile(r"^(%[YymdbB]|[-/. ,])+$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

Name = Annotated[str, pydantic.Field(min_length=1, max_length=63)]


def _check_property_name(name: str) -> str:
    if not PROPERTY_NAME.match(name):
        raise ValueError(f"{name!r} is not a property name: expected lower-case letters, digits and underscores")
    return name


def _normalize_for_match(value: str) -> str:
    """The form `standardize` compares in: lower-case, trimmed, inner whitespace collapsed (SQL does the same)."""
    return " ".join(value.split()).lower()


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class SurvivorshipRule(_Strict):
    """How one value per profile is chosen among the records that carry one (nulls and blanks never win)."""

    rule: Literal["most_recent", "source_priority", "first_seen"] = "most_recent"
    sources: list[Annotated[str, pydantic.Field(pattern=SOURCE_LABEL.pattern)]] = []

    @pydantic.model_validator(mode="after")
    def _sources_fit_rule(self) -> SurvivorshipRule:
        if self.rule == "source_priority" and not self.sources:
            raise ValueError("rule source_priority needs `sources`: source labels, most trusted first")
        if self.rule != "source_priority" and self.sources:
            raise ValueError(f"`sources` only applies to rule source_priority, not {self.rule}")
        if len(set(self.sources)) != len(self.sources):
            raise ValueError("a source label is listed twice in `sources`")
        return self


class Survivorship(_Strict):
    default: SurvivorshipRule = SurvivorshipRule()
    attributes: dict[Literal[STANDARD_ATTRIBUTES], SurvivorshipRule] = {}  # type: ignore[valid-type]
    custom_properties: dict[Name, SurvivorshipRule] = {}

    @pydantic.field_validator("custom_properties")
    @classmethod
    def _custom_names(cls, rules: dict[str, SurvivorshipRule]) -> dict[str, SurvivorshipRule]:
        for name in rules:
            _check_property_name(name)
            if name in STANDARD_ATTRIBUTES or name in RESERVED_NAMES:
                raise ValueError(f"custom property {name!r} clashes with a profile column of the same name")
        return rules


class FormatTransformation(_Strict):
    """Reformat one value: trim, change case, parse a date into ISO, or display an E.164 phone."""

    kind: Literal["format"]
    name: Name
    source: Name
    trim: bool = False
    case: Literal["upper", "lower", "title"] | None = None
    date_formats: list[str] = []
    phone_format: Literal["e164", "international", "national"] | None = None

    @pydantic.field_validator("date_formats")
    @classmethod
    def _date_formats(cls, formats: list[str]) -> list[str]:
        for fmt in formats:
            if not DATE_FORMAT.match(fmt) or not ("%Y" in fmt or "%y" in fmt):
                raise ValueError(
                    f"{fmt!r} is not a date format: expected strptime directives %Y %y %m %d %b %B "
                    "separated by - / . , or space, with a year"
                )
        return formats

    @pydantic.model_validator(mode="after")
    def _one_purpose(self) -> FormatTransformation:
        kinds = [bool(self.case), bool(self.date_formats), self.phone_format is not None]
        if sum(kinds) > 1:
            raise ValueError("a format transformation does one of `case`, `date_formats`, `phone_format`")
        if not self.trim and not any(kinds):
            raise ValueError("a format transformation needs `trim`, `case`, `date_formats` or `phone_format`")
        return self


class StandardizeRule(_Strict):
    values: Annotated[list[Annotated[str, pydantic.Field(min_length=1)]], pydantic.Field(min_length=1)]
    replacement: str


class StandardizeTransformation(_Strict):
    """Replace given values (compared case- and whitespace-insensitively); other values pass through unchanged."""

    kind: Literal["standardize"]
    name: Name
    source: Name
    rules: Annotated[list[StandardizeRule], pydantic.Field(min_length=1)]

    @pydantic.field_validator("rules")
    @classmethod
    def _each_value_once(cls, rules: list[StandardizeRule]) -> list[StandardizeRule]:
        seen: dict[str, str] = {}
        for rule in rules:
            for value in rule.values:
                key = _normalize_for_match(value)
                if key in seen and seen[key] != rule.replacement:
                    raise ValueError(f"{value!r} is replaced by both {seen[key]!r} and {rule.replacement!r}")
                seen[key] = rule.replacement
        return rules


class MergeTransformation(_Strict):
    """Several properties into one: the first non-null in order, or all non-null joined with `separator`."""

    kind: Literal["merge"]
    name: Name
    sources: Annotated[list[Name], pydantic.Field(min_length=2)]
    separator: str | None = None


Transformation = Annotated[
    FormatTransformation | StandardizeTransformation | MergeTransformation, pydantic.Field(discriminator="kind")
]


class Consent(_Strict):
    """Which events change consent; the channel is read from property `channel_property`."""

    subscribe_metrics: list[Name] = ["Subscribed"]
    unsubscribe_metrics: list[Name] = ["Unsubscribed"]
    channel_property: Annotated[str, pydantic.Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")] = "channel"


class SuppressedIdentifier(_Strict):
    email: str | None = None
    phone: str | None = None
    reason: str = "listed in config"

    @pydantic.model_validator(mode="after")
    def _one_identifier(self) -> SuppressedIdentifier:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give exactly one of `email` or `phone`")
        if self.email is not None and "@" not in self.email:
            raise ValueError(f"{self.email!r} is not an email address")
        if self.phone is not None and not E164.match(self.phone):
            raise ValueError(f"{self.phone!r} is not an E.164 phone number such as +14155550100")
        return self


class SuppressionEvent(_Strict):
    metric: Name
    filters: list[PropertyFilter] = []
    reason: str = ""


class Suppression(_Strict):
    """Suppression is explicit: listed identifiers, or events such as a hard bounce. It never deletes history."""

    identifiers: list[SuppressedIdentifier] = []
    events: list[SuppressionEvent] = []


class Activity(_Strict):
    active_window_days: Annotated[int, pydantic.Field(ge=1, le=36500)] = 365


class ProfilesConfig(_Strict):
    """config/profiles.yaml."""

    survivorship: Survivorship = Survivorship()
    transformations: list[Transformation] = []
    consent: Consent = Consent()
    suppression: Suppression = Suppression()
    activity: Activity = Activity()

    @pydantic.field_validator("transformations")
    @classmethod
    def _names_new(cls, transformations: list, info: pydantic.ValidationInfo) -> list:
        survivorship = info.data.get("survivorship")
        originals = set(STANDARD_ATTRIBUTES) | set(survivorship.custom_properties if survivorship else {})
        seen: set[str] = set()
        for index, item in enumerate(transformations):
            _check_property_name(item.name)
            where = f"[{index}] {item.name!r}"
            if item.name in originals or item.name in RESERVED_NAMES:
                raise ValueError(f"{where}: a transformation writes a new property, never over an original")
            if item.name in seen:
                raise ValueError(f"{where}: two transformations write the same property")
            seen.add(item.name)
            sources = item.sources if isinstance(item, MergeTransformation) else [item.source]
            for source in sources:
                if source not in originals:
                    raise ValueError(
                        f"{where}: source {source!r} is neither a standard attribute nor a custom property "
                        "under survivorship.custom_properties"
                    )
        return transformations

    def as_dbt_var(self) -> dict:
        """Var `cdp_attributes`: plain dicts and lists, every attribute's rule spelled out."""
        survivorship = self.survivorship
        attributes = [
            {"name": name, **survivorship.attributes.get(name, survivorship.default).model_dump()}
            for name in STANDARD_ATTRIBUTES
        ]
        custom = [{"name": name, **rule.model_dump()} for name, rule in survivorship.custom_properties.items()]
        transformations = []
        for item in self.transformations:
            spec = item.model_dump()
            if isinstance(item, StandardizeTransformation):
                spec["rules"] = [
                    {"values": sorted({_normalize_for_match(v) for v in rule.values}), "replacement": rule.replacement}
                    for rule in item.rules
                ]
            transformations.append(spec)
        suppression = self.suppression
        return {
            "attributes": attributes,
            "custom_properties": custom,
            "transformations": transformations,
            "consent": self.consent.model_dump(),
            "suppression": {
                "identifiers": [
                    {
                        "type": "email" if item.email else "phone",
                        "value": item.email.strip().lower() if item.email else item.phone,
                        "reason": item.reason,
                    }
                    for item in suppression.identifiers
                ],
                "events": [
                    {
                        "metric": event.metric,
                        "reason": event.reason or event.metric,
                        "filters": [condition.as_dbt_var() for condition in event.filters],
                    }
                    for event in suppression.events
                ],
            },
            "active_window_days": self.activity.active_window_days,
        }


def load_attributes_config(config_dir: Path) -> ProfilesConfig:
    """Read and validate `config_dir/profiles.yaml`; a ConfigError names the file and the field."""
    return load_config(config_dir / PROFILES_FILE, ProfilesConfig)
