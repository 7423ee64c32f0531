"""Identity rules from config/identity.yaml: which identifiers link records, junk values, over-merge limits.

Validated here so a bad rule fails before dbt runs, naming the file and the field; `as_dbt_var()` hands the result
to dbt as var `cdp_identity`, which the identity-graph models read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pydantic

from orchestration.config_files import load_config

IDENTITY_FILE = "identity.yaml"

# Identifier types the staging models produce. Store customer ids are `<source_label>_customer_id`.
FIXED_IDENTIFIER_TYPES = frozenset({"user_id", "anonymous_id", "email", "phone", "crm_id"})
STORE_CUSTOMER_ID = re.compile(r"^[a-z][a-z0-9]*_customer_id$")
REGION = re.compile(r"^[A-Z]{2}$")


class _Strict(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)


class IdentifierRule(_Strict):
    """Whether one identifier type links records, and how many values of it one profile may hold."""

    links: bool = True
    max_per_profile: Annotated[int, pydantic.Field(ge=1)] | None = None
    priority: Annotated[int, pydantic.Field(ge=1, le=1000)]
    same_value_as: str | None = None


class Blocklist(_Strict):
    """Junk values, compared after normalization; they never link and never count as an identifier."""

    any: list[str] = []
    email: list[str] = []
    phone_digits: list[Annotated[str, pydantic.Field(pattern=r"^[0-9]+$")]] = []
    repeated_digit_phones: bool = True


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
            if name not in FIXED_IDENTIFIER_TYPES and not STORE_CUSTOMER_ID.match(name):
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
        """Var `cdp_identity`: plain dicts and lists; blocklisted values already in their compared form."""
        return {
            "default_phone_region": self.default_phone_region,
            "phone_region_by_source": dict(sorted(self.phone_region_by_source.items())),
            "identifiers": [
                {"type": name, **rule.model_dump()}
                for name, rule in sorted(self.identifiers.items(), key=lambda item: item[1].priority)
            ],
            "value_limits": self.value_limit_pairs(),
            "blocklist": {
                "any": sorted({value.strip().lower() for value in self.blocklist.any}),
                "email": sorted({value.strip().lower() for value in self.blocklist.email}),
                "phone_digits": sorted(set(self.blocklist.phone_digits)),
                "repeated_digit_phones": self.blocklist.repeated_digit_phones,
            },
        }


def load_identity_config(config_dir: Path) -> IdentityConfig:
    """Read and validate `config_dir/identity.yaml`; a ConfigError names the file and the field."""
    return load_config(config_dir / IDENTITY_FILE, IdentityConfig)
