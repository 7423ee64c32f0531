"""Segments and lists from config/segments.yaml: condition trees and static lists, validated before any SQL runs.

A condition is one key: a leaf (`profile`, `consent`, `clv`, `rfm`, `metric`, `segment`, `list`) or a combination
(`all`, `any`, `not`). Names that live in this file (segments, lists, base metrics) are checked in a model
validator; names that live in other files (custom metrics of metrics.yaml, custom properties and transformations of
profiles.yaml) by `load_segments_config`. Every error names the file and the field
(`segments.yaml segments[1].condition.all[0].metric.name`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import StrictBool, StrictFloat, StrictInt, StrictStr

from assets.intelligence.segments.columns import (
    CLV_COLUMNS,
    OPERATORS_BY_TYPE,
    PLATFORM_METRICS,
    PROFILE_COLUMNS,
    RFM_COLUMNS,
    ColumnType,
)
from assets.profiles.attributes_config import load_attributes_config
from assets.profiles.identity_config import is_identifier_type
from assets.profiles.metrics_config import load_metrics_config
from core.config_files import ConfigError, load_config

SEGMENTS_FILE = "segments.yaml"

JSON_COLUMNS = ("custom_properties", "transformed_properties")
JSON_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
REGION = re.compile(r"^[A-Z]{2}$")

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr
Name = Annotated[str, pydantic.Field(min_length=1, max_length=200)]


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def check_comparison(column_type: ColumnType, operator: str, value: object) -> None:
    """`operator` applies to a column of `column_type` and `value` fits both; raises ValueError saying what fits."""
    if operator not in OPERATORS_BY_TYPE[column_type]:
        raise ValueError(
            f"operator {operator} does not apply to a {column_type} column; expected one of "
            + ", ".join(OPERATORS_BY_TYPE[column_type])
        )
    if operator in ("is_set", "is_not_set"):
        if value is not None:
            raise ValueError(f"operator {operator} takes no value, got {value!r}")
        return
    values = value if operator == "between" else [value]
    if operator == "between" and not (isinstance(value, list) and len(value) == 2):
        raise ValueError(f"operator between needs [low, high], got {value!r}")
    fits = {
        "text": lambda item: isinstance(item, str),
        "number": _is_number,
        "boolean": lambda item: isinstance(item, bool),
        "date": _is_date,
        "timestamp": _is_date,
    }[column_type]
    for item in values:
        if item is None or not fits(item):
            expected = {"date": "an ISO date (2026-03-01)", "timestamp": "an ISO date (2026-03-01), compared with "
                        "the UTC date", "number": "a number", "text": "text", "boolean": "true or false"}
            raise ValueError(f"operator {operator} on a {column_type} column needs {expected[column_type]}, "
                             f"got {item!r}")
    if operator == "between" and values[0] > values[1]:
        raise ValueError(f"between needs low <= high, got {value!r}")


def json_value_type(value: object) -> ColumnType:
    """How a JSON property compares: by the type of the value it is compared with (text when there is none)."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, bool):
        return "boolean"
    if _is_number(value):
        return "number"
    return "text"


Comparable = Scalar | list[Scalar] | None


class ProfileCondition(_Strict):
    """A column of marts.profiles, or `custom_properties.<key>` / `transformed_properties.<key>`."""

    property: Name
    operator: str
    value: Comparable = None

    @property
    def column(self) -> str:
        return self.property.split(".", 1)[0]

    @property
    def json_key(self) -> str | None:
        return self.property.split(".", 1)[1] if "." in self.property else None

    @property
    def column_type(self) -> ColumnType:
        if self.column in JSON_COLUMNS:
            return json_value_type(self.value)
        return PROFILE_COLUMNS[self.column]

    @pydantic.field_validator("property")
    @classmethod
    def _known(cls, name: str) -> str:
        column, _, key = name.partition(".")
        if column in JSON_COLUMNS:
            if not JSON_KEY.match(key):
                raise ValueError(f"{name!r}: name a key of {column}, as `{column}.<name>`")
        elif column not in PROFILE_COLUMNS or key:
            raise ValueError(
                f"unknown profile property {name!r}; expected a column of marts.profiles ("
                + ", ".join(column for column in PROFILE_COLUMNS if column not in JSON_COLUMNS)
                + ") or custom_properties.<name> / transformed_properties.<name>"
            )
        return name

    @pydantic.model_validator(mode="after")
    def _fits(self) -> ProfileCondition:
        check_comparison(self.column_type, self.operator, self.value)
        return self


class ConsentCondition(_Strict):
    """The profile's consent on one channel after the latest change (marts.consent)."""

    channel: Literal["email", "sms", "push"]
    status: Literal["subscribed", "unsubscribed", "never_subscribed"]


def _attribute_condition(columns: dict[str, ColumnType], table: str) -> type[_Strict]:
    class AttributeCondition(_Strict):
        attribute: Name
        operator: str
        value: Comparable = None

        @property
        def column_type(self) -> ColumnType:
            return columns[self.attribute]

        @pydantic.field_validator("attribute")
        @classmethod
        def _known(cls, name: str) -> str:
            if name not in columns:
                raise ValueError(f"unknown attribute {name!r} of {table}; expected one of {', '.join(columns)}")
            return name

        @pydantic.model_validator(mode="after")
        def _fits(self) -> AttributeCondition:
            check_comparison(self.column_type, self.operator, self.value)
            return self

    return AttributeCondition


ClvCondition = _attribute_condition(CLV_COLUMNS, "analytics.customer_clv")
ClvCondition.__name__ = ClvCondition.__qualname__ = "ClvCondition"
ClvCondition.__doc__ = "A column of analytics.customer_clv; a profile without a CLV row has every attribute unset."
RfmCondition = _attribute_condition(RFM_COLUMNS, "analytics.customer_rfm_current")
RfmCondition.__name__ = RfmCondition.__qualname__ = "RfmCondition"
RfmCondition.__doc__ = "A column of analytics.customer_rfm_current; a profile not scored has every attribute unset."


class MetricCondition(_Strict):
    """How many events of a metric (or the sum of their values) a profile has, optionally in the last N days."""

    name: Name
    measure: Literal["count", "sum"] = "count"
    operator: Literal["equals", "not_equals", "greater_than", "less_than", "at_least", "at_most", "between"]
    value: StrictInt | StrictFloat | list[StrictInt | StrictFloat]
    within_days: Annotated[int, pydantic.Field(ge=1, le=36500)] | None = None

    @pydantic.model_validator(mode="after")
    def _value_fits(self) -> MetricCondition:
        check_comparison("number", self.operator, self.value)
        return self


LEAVES = ("profile", "consent", "clv", "rfm", "metric", "segment", "list")
COMBINATIONS = ("all", "any", "not")


class Condition(_Strict):
    """Exactly one of: a leaf condition, `all` / `any` of a list of conditions, or `not` of one condition."""

    all_: list[Condition] | None = pydantic.Field(None, alias="all", min_length=1)
    any_: list[Condition] | None = pydantic.Field(None, alias="any", min_length=1)
    not_: Condition | None = pydantic.Field(None, alias="not")
    profile: ProfileCondition | None = None
    consent: ConsentCondition | None = None
    clv: ClvCondition | None = None  # type: ignore[valid-type]
    rfm: RfmCondition | None = None  # type: ignore[valid-type]
    metric: MetricCondition | None = None
    segment: Name | None = None
    list_: str | None = pydantic.Field(None, alias="list", min_length=1, max_length=200)

    @pydantic.model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: object) -> object:
        keys = ", ".join(COMBINATIONS + LEAVES)
        if not isinstance(data, dict) or len(data) != 1:
            raise ValueError(f"a condition is a mapping with exactly one key of {keys}; got {data!r}")
        (key,) = data
        if key not in COMBINATIONS + LEAVES:
            raise ValueError(f"unknown condition {key!r}; a condition is a mapping with exactly one key of {keys}")
        return data

    @property
    def kind(self) -> str:
        """The one key this condition holds."""
        for key in COMBINATIONS + LEAVES:
            if getattr(self, key + "_" if key in ("all", "any", "not", "list") else key) is not None:
                return key
        raise AssertionError("a validated condition holds one key")

    @property
    def children(self) -> list[tuple[str, Condition]]:
        """(field path suffix, child) of a combination; empty for a leaf."""
        if self.all_ is not None:
            return [(f".all[{index}]", child) for index, child in enumerate(self.all_)]
        if self.any_ is not None:
            return [(f".any[{index}]", child) for index, child in enumerate(self.any_)]
        if self.not_ is not None:
            return [(".not", self.not_)]
        return []

    def leaves(self, path: str) -> list[tuple[str, Condition]]:
        """Every leaf below, with its field path from `path`."""
        if not self.children:
            return [(path, self)]
        return [leaf for suffix, child in self.children for leaf in child.leaves(path + suffix)]


class SegmentSpec(_Strict):
    """A named condition over profiles, re-evaluated every run."""

    name: Name
    description: str = ""
    condition: Condition


class ListSpec(_Strict):
    """A static list: the profiles named by one column of a CSV file (with a header)."""

    name: Name
    description: str = ""
    file: Name
    match_on: Name
    column: Name | None = None
    default_region: str | None = None

    @property
    def column_name(self) -> str:
        """The CSV column holding the identifiers: `column`, else the `match_on` type's name."""
        return self.column or self.match_on

    @pydantic.field_validator("match_on")
    @classmethod
    def _identifier_type(cls, name: str) -> str:
        if not is_identifier_type(name) or name == "anonymous_id":
            raise ValueError(
                f"{name!r} is no identifier type of marts.profile_identities; expected email, phone, user_id, "
                "crm_id or <store>_customer_id (e.g. shopify_customer_id)"
            )
        return name

    @pydantic.field_validator("file")
    @classmethod
    def _file_inside_config(cls, name: str) -> str:
        path = Path(name)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError(f"{name!r}: a list file is named relative to the config folder, inside it")
        return name

    @pydantic.field_validator("default_region")
    @classmethod
    def _region(cls, region: str | None) -> str | None:
        if region is not None and not REGION.match(region):
            raise ValueError(f"{region!r}: expected an ISO 3166 country code in capitals (DE, US)")
        return region


def _segment_refs(condition: Condition) -> list[str]:
    return [leaf.segment for _, leaf in condition.leaves("") if leaf.segment is not None]


class SegmentsConfig(_Strict):
    """config/segments.yaml: segments (conditions) and lists (files), with the tracked metric names they may use."""

    known_base_metrics: list[Name] = []
    segments: list[SegmentSpec] = []
    lists: list[ListSpec] = []
    source_file: str = pydantic.Field(default="", exclude=True)
    # The custom metrics of metrics.yaml (read from marts.metric_events); set by `load_segments_config`.
    custom_metrics: frozenset[str] = pydantic.Field(default=frozenset(), exclude=True)

    @pydantic.model_validator(mode="after")
    def _references_resolve(self) -> SegmentsConfig:
        names: dict[str, str] = {}
        for field, items in (("segments", self.segments), ("lists", self.lists)):
            for index, item in enumerate(items):
                key = item.name.casefold()
                if key in names:
                    raise ValueError(f"{field}[{index}].name: {item.name!r} is also {names[key]} (segment and list "
                                     "names are unique, compared case-insensitively)")
                names[key] = f"{field}[{index}]"
        segment_names = {segment.name for segment in self.segments}
        list_names = {item.name for item in self.lists}
        for index, segment in enumerate(self.segments):
            for path, leaf in segment.condition.leaves(f"segments[{index}].condition"):
                if leaf.segment is not None and leaf.segment not in segment_names:
                    raise ValueError(f"{path}.segment: unknown segment {leaf.segment!r}")
                if leaf.list_ is not None and leaf.list_ not in list_names:
                    raise ValueError(f"{path}.list: unknown list {leaf.list_!r}")
        self._no_cycles()
        return self

    def _no_cycles(self) -> None:
        refs = {segment.name: _segment_refs(segment.condition) for segment in self.segments}
        index_of = {segment.name: index for index, segment in enumerate(self.segments)}
        done: set[str] = set()

        def visit(name: str, trail: list[str]) -> None:
            if name in trail:
                cycle = " -> ".join(trail[trail.index(name):] + [name])
                raise ValueError(f"segments[{index_of[trail[-1]]}].condition: segments refer to themselves: {cycle}")
            if name in done:
                return
            for ref in refs[name]:
                visit(ref, [*trail, name])
            done.add(name)

        for segment in self.segments:
            visit(segment.name, [])

    def in_dependency_order(self) -> list[SegmentSpec]:
        """Segments with every referenced segment before the one that refers to it."""
        by_name = {segment.name: segment for segment in self.segments}
        ordered: list[SegmentSpec] = []
        placed: set[str] = set()

        def place(name: str) -> None:
            if name in placed:
                return
            for ref in _segment_refs(by_name[name].condition):
                place(ref)
            placed.add(name)
            ordered.append(by_name[name])

        for segment in self.segments:
            place(segment.name)
        return ordered

    def metric_names(self) -> list[tuple[str, str]]:
        """(field path, metric name) of every metric condition."""
        return [
            (path + ".metric.name", leaf.metric.name)
            for index, segment in enumerate(self.segments)
            for path, leaf in segment.condition.leaves(f"segments[{index}].condition")
            if leaf.metric is not None
        ]

    def clv_attributes(self, segment_name: str) -> list[str]:
        """CLV attributes a segment reads, through the segments it refers to as well, sorted."""
        by_name = {segment.name: segment for segment in self.segments}
        leaves = by_name[segment_name].condition.leaves("")
        found = {leaf.clv.attribute for _, leaf in leaves if leaf.clv is not None}
        for ref in _segment_refs(by_name[segment_name].condition):
            found.update(self.clv_attributes(ref))
        return sorted(found)


def _check_other_files(config: SegmentsConfig, config_dir: Path, path: Path) -> None:
    """Names defined in metrics.yaml and profiles.yaml: custom metrics, custom properties, transformations."""
    custom_metrics = config.custom_metrics
    base_metrics = set(PLATFORM_METRICS) | set(config.known_base_metrics)
    problems: list[str] = []
    for field, name in config.metric_names():
        if name in custom_metrics and name in base_metrics:
            problems.append(f"{field}: {name!r} is both a custom metric of metrics.yaml and a base metric; rename "
                            "the custom metric")
        elif name not in custom_metrics and name not in base_metrics:
            problems.append(
                f"{field}: unknown metric {name!r}; expected a custom metric of metrics.yaml ("
                + ", ".join(sorted(custom_metrics)) + "), a platform metric (" + ", ".join(PLATFORM_METRICS)
                + ") or a name under known_base_metrics"
            )
    attributes = load_attributes_config(config_dir)
    known_keys = {
        "custom_properties": set(attributes.survivorship.custom_properties),
        "transformed_properties": {item.name for item in attributes.transformations},
    }
    for index, segment in enumerate(config.segments):
        for where, leaf in segment.condition.leaves(f"segments[{index}].condition"):
            if leaf.profile is not None and leaf.profile.column in JSON_COLUMNS:
                column, key = leaf.profile.column, leaf.profile.json_key
                if key not in known_keys[column]:
                    source = "survivorship.custom_properties" if column == "custom_properties" else "transformations"
                    problems.append(f"{where}.profile.property: unknown property {leaf.profile.property!r}; "
                                    f"expected a name under {source} of profiles.yaml ("
                                    + ", ".join(sorted(known_keys[column])) + ")")
    if problems:
        raise ConfigError(f"{path}: invalid configuration\n" + "\n".join(f"  {problem}" for problem in problems))


def load_segments_config(config_dir: Path) -> SegmentsConfig:
    """Read and validate `config_dir/segments.yaml` with the names of metrics.yaml and profiles.yaml it uses."""
    path = config_dir / SEGMENTS_FILE
    custom_metrics = frozenset(metric.name for metric in load_metrics_config(config_dir).metrics)
    config = load_config(path, SegmentsConfig).model_copy(
        update={"source_file": str(path), "custom_metrics": custom_metrics}
    )
    _check_other_files(config, config_dir, path)
    return config
