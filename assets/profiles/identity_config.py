"""Identity rules from config/identity.yaml: which identifiers link records, junk values, over-merge limits.

Validated here so a bad rule fails before dbt runs, naming the file and the field; `as_dbt_var()` hands the result
to dbt as var `cdp_identity`, which the identity-graph models read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import duckdb
import pydantic

from core.config_files import load_config

IDENTITY_FILE = "identity.yaml"

# Identifier types the staging models produce. Store customer ids are `<source_label>_customer_id`.
FIXED_IDENTIFIER_TYPES = frozenset({"user_id", "anonymous_id", "email", "phone", "crm_id"})
STORE_CUSTOMER_ID = re.compile(r"^[a-z][a-z0-9]*_customer_id$")
REGION = re.compile(r"^[A-Z]{2}$")
# Characters RE2 reads as operators; a blocklisted value escapes them to be matched as written.
REGEX_SPECIAL = frozenset("\\.^$|?*+()[]{}")


def is_identifier_type(name: str) -> bool:
    """`name` is a type the staging models produce: a fixed one or `<store>_customer_id`."""
    return name in FIXED_IDENTIFIER_TYPES or STORE_CUSTOMER_ID.match(name) is not None


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class IdentifierRule(_Strict):
    """Whether one identifier type links records, and how many values of it one profile may hold."""

    links: bool = True
    max_per_profile: Annotated[int, pydantic.Field(ge=1)] | None = None
    priority: Annotated[int, pydantic.Field(ge=1, le=1000)]
    same_value_as: str | None = None


def _re2_pattern(pattern: str) -> str:
    """`pattern` if DuckDB can compile it: it matches with RE2, which has no lookarounds and no backreferences, so
    a pattern Python's `re` accepts may still fail there, at the first dbt run instead of at load."""
    with duckdb.connect() as con:
        try:
            con.execute("select regexp_full_match('', ?)", [pattern]).fetchone()
        except duckdb.Error as exc:
            message = str(exc).removeprefix("Invalid Input Error: ")
            raise ValueError(f"invalid regular expression {pattern!r}: {message} (RE2 syntax)") from exc
    return pattern


def _regex_literal(value: str) -> str:
    """`value` as an RE2 pattern that matches exactly that text."""
    return "".join("\\" + char if char in REGEX_SPECIAL else char for char in value)


def _one_regex(values: list[str], patterns: list[str]) -> str | None:
    """One RE2 pattern matching a whole value that is one of `values` (spaces around allowed) or matches one of
    `patterns`, ignoring case (`i`), `.` matching newlines too (`s`); None when there is nothing to match."""
    parts = [f" *(?:{'|'.join(_regex_literal(value) for value in sorted(set(values)))}) *"] if values else []
    parts += [f"(?:{pattern})" for pattern in patterns]
    return "(?is)" + "|".join(parts) if parts else None


class Blocklist(_Strict):
    """Junk values, compared after normalization; they never link and never count as an identifier."""

    any: list[str] = []
    email: list[str] = []
    phone_digits: list[Annotated[str, pydantic.Field(pattern=r"^[0-9]+$")]] = []
    repeated_digit_phones: bool = True
    patterns: dict[str, list[Annotated[str, pydantic.AfterValidator(_re2_pattern)]]] = {}

    @pydantic.field_validator("patterns")
    @classmethod
    def _pattern_types_known(cls, patterns: dict[str, list[str]]) -> dict[str, list[str]]:
        for name in patterns:
            if name != ANY_TYPE and not is_identifier_type(name):
                known = ", ".join(sorted(FIXED_IDENTIFIER_TYPES))
                raise ValueError(f"unknown identifier type {name!r}: expected any, {known} or <store>_customer_id")
        return patterns

    def regex_by_type(self) -> dict[str, str | None]:
        """One RE2 pattern per identifier type with rules of its own, and `any` for every other type (None: no
        rule): DuckDB then evaluates one regular expression per value instead of `in` lists and a pattern each."""
        any_values = [value.strip().lower() for value in self.any]
        regexes = {
            name: _one_regex(
                any_values + ([value.strip().lower() for value in self.email] if name == "email" else []),
                self.patterns.get(ANY_TYPE, []) + (self.patterns.get(name, []) if name != ANY_TYPE else []),
            )
            for name in sorted({ANY_TYPE, "email", *self.patterns} - {"phone"})
        }
        return {**regexes, "phone": _one_regex(any_values, self._phone_rules() + self.patterns.get(ANY_TYPE, []))}

    def _phone_rules(self) -> list[str]:
        """Phone rules as RE2 over E.164 (`+` and digits): a listed number whole, or as its last ten digits so a
        country code does not hide it; the last seven digits one digit repeated; the patterns of `phone`."""
        rules = [(r"\+[0-9]*" if len(digits) == 10 else r"\+") + digits for digits in sorted(set(self.phone_digits))]
        if self.repeated_digit_phones:
            rules.append(r"\+[0-9]*(?:" + "|".join(digit * 7 for digit in "0123456789") + ")")
        return rules + self.patterns.get("phone", [])


# `value_limits` key that sets a limit for values of every type.
ANY_TYPE = "any"


class IdentityConfig(_Strict):
    """The whole of config/identity.yaml."""

    default_phone_region: Annotated[str, pydantic.Field(pattern=REGION.pattern)] = "US"
    phone_region_by_source: dict[str, Annotated[str, pydantic.Field(pattern=REGION.pattern)]] = {}
    identifiers: dict[str, IdentifierRule]
    value_limits: dict[str, dict[str, Annotated[int, pydantic.Field(ge=1)]]] = {}
    blocklist: Blocklist = Blocklist()

    @pydantic.field_validator("identifiers")
    @classmethod
    def _known_types(cls, identifiers: dict[str, IdentifierRule]) -> dict[str, IdentifierRule]:
        for name in identifiers:
            if not is_identifier_type(name):
                known = ", ".join(sorted(FIXED_IDENTIFIER_TYPES))
                raise ValueError(f"unknown identifier type {name!r}: expected one of {known} or <store>_customer_id")
        priorities = [rule.priority for rule in identifiers.values()]
        if len(set(priorities)) != len(priorities):
            raise ValueError("each identifier type needs its own priority")
        if not any(rule.links for rule in identifiers.values()):
            raise ValueError("at least one identifier type must link records")
        for name, rule in identifiers.items():
            other = identifiers.get(rule.same_value_as or "")
            if rule.same_value_as is not None and (other is None or rule.same_value_as == name):
                raise ValueError(f"{name}.same_value_as: {rule.same_value_as!r} is not another identifier type here")
            if other is not None and not (rule.links and other.links):
                raise ValueError(f"{name}.same_value_as: both {name} and {rule.same_value_as} must link records")
        return identifiers

    @pydantic.model_validator(mode="after")
    def _limits_name_linking_types(self) -> IdentityConfig:
        linking = {name for name, rule in self.identifiers.items() if rule.links}
        for value_type, seen_with in self.value_limits.items():
            if value_type != ANY_TYPE and value_type not in linking:
                raise ValueError(f"value_limits.{value_type}: not a linking identifier type of `identifiers`")
            for other in seen_with:
                if other not in linking or other == value_type:
                    raise ValueError(
                        f"value_limits.{value_type}.{other}: expected another linking identifier type of `identifiers`"
                    )
        return self

    def value_limit_pairs(self) -> list[dict]:
        """Every (value type, type seen with, limit) that applies: a pair listed under the value's own type, else
        under `any`, else the `max_per_profile` of the type seen with (a strong id is its own limit)."""
        linking = [name for name, rule in sorted(self.identifiers.items(), key=lambda item: item[1].priority)
                   if rule.links]
        pairs = []
        for value_type in linking:
            for other in linking:
                if other == value_type:
                    continue
                limit = self.value_limits.get(value_type, {}).get(
                    other, self.value_limits.get(ANY_TYPE, {}).get(other, self.identifiers[other].max_per_profile)
                )
                if limit is not None:
                    pairs.append({"type": value_type, "seen_with": other, "max_values": limit})
        return pairs

    def as_dbt_var(self) -> dict:
        """Var `cdp_identity`: plain dicts and lists; the blocklist as one regular expression per type."""
        return {
            "default_phone_region": self.default_phone_region,
            "phone_region_by_source": dict(sorted(self.phone_region_by_source.items())),
            "identifiers": [
                {"type": name, **rule.model_dump()}
                for name, rule in sorted(self.identifiers.items(), key=lambda item: item[1].priority)
            ],
            "value_limits": self.value_limit_pairs(),
            "blocklist": {"regex_by_type": self.blocklist.regex_by_type()},
        }


def load_identity_config(config_dir: Path) -> IdentityConfig:
    """Read and validate `config_dir/identity.yaml`; a ConfigError names the file and the field."""
    return load_config(config_dir / IDENTITY_FILE, IdentityConfig)
