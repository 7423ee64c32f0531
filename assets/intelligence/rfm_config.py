"""RFM settings from config/rfm.yaml: the order metric, the snapshots, the lookback, the cut-offs, the score-to-group
map and the minimums of a store big and old enough for meaningful groups.

Validated here so a bad setting fails before dbt runs, naming the file and the field; `as_dbt_var()` hands the result
to dbt as var `cdp_rfm`, read by the models of dbt_project/models/analytics/rfm through `cdp.rfm_settings()`. The
score-to-group map has no default here: it is written once, in config/rfm.yaml, and must map each of the 27
(recency, frequency, monetary) score combinations to exactly one group.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic

from assets.intelligence.order_metric import NET_ORDERS, check_order_metric
from core.config_files import ConfigError, load_config

RFM_FILE = "rfm.yaml"

# Klaviyo's six groups, best first; the order is the `group_order` column of analytics.rfm_group_sizes.
RFM_GROUPS = ("Champions", "Loyal", "Recent", "Needs Attention", "At Risk", "Inactive")
RfmGroup = Literal["Champions", "Loyal", "Recent", "Needs Attention", "At Risk", "Inactive"]

SCORES = (1, 2, 3)
# A pattern is three characters, recency then frequency then monetary, each a score 1-3 or `*` for any score.
SCORE_PATTERN = re.compile(r"^[123*]{3}$")


def pattern_matches(pattern: str, scores: tuple[int, int, int]) -> bool:
    """True when `pattern` (e.g. `3*1`) covers the (recency, frequency, monetary) `scores`."""
    return all(char in ("*", str(score)) for char, score in zip(pattern, scores, strict=True))


class RfmMinimums(pydantic.BaseModel):
    """Below these a store is told it is too small or too young; a snapshot below them is not written."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    customers: Annotated[int, pydantic.Field(ge=1)] = 500
    history_days: Annotated[int, pydantic.Field(ge=0)] = 180


class RfmConfig(pydantic.BaseModel):
    """config/rfm.yaml: how customers are scored 1-3 on recency, frequency and monetary value and grouped."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    order_metric: Annotated[str, pydantic.Field(min_length=1)] = NET_ORDERS
    snapshot_interval: Literal["week", "month", "quarter"] = "month"
    lookback_days: Annotated[int, pydantic.Field(ge=7, le=3660)] | None = None
    percentile_cutoffs: tuple[
        Annotated[float, pydantic.Field(gt=0, lt=1)], Annotated[float, pydantic.Field(gt=0, lt=1)]
    ] = (1 / 3, 2 / 3)
    groups: dict[RfmGroup, list[str]]
    minimums: RfmMinimums = RfmMinimums()
    source_file: str = pydantic.Field(default="", exclude=True)

    @pydantic.field_validator("percentile_cutoffs")
    @classmethod
    def _cutoffs_increase(cls, cutoffs: tuple[float, float]) -> tuple[float, float]:
        if cutoffs[0] >= cutoffs[1]:
            raise ValueError(f"expected two percentiles, the lower first (e.g. [0.333, 0.667]), got {list(cutoffs)}")
        return cutoffs

    @pydantic.field_validator("groups", mode="before")
    @classmethod
    def _patterns_as_text(cls, groups: object) -> object:
        # `333` unquoted in YAML is a number; it means the pattern "333".
        if isinstance(groups, dict):
            return {
                group: [str(item) if isinstance(item, int) and not isinstance(item, bool) else item for item in items]
                if isinstance(items, list) else items
                for group, items in groups.items()
            }
        return groups

    @pydantic.field_validator("groups")
    @classmethod
    def _every_combination_mapped_once(cls, groups: dict[str, list[str]]) -> dict[str, list[str]]:
        for group, patterns in groups.items():
            for pattern in patterns:
                if not SCORE_PATTERN.match(pattern):
                    raise ValueError(
                        f"{group}: {pattern!r} is not a score pattern: expected three characters, recency, "
                        "frequency and monetary, each 1, 2, 3 or * (any), e.g. '333' or '31*'"
                    )
        problems = []
        for scores in itertools.product(SCORES, repeat=3):
            matches = [f"{group} {pattern!r}" for group, patterns in groups.items() for pattern in patterns
                       if pattern_matches(pattern, scores)]
            code = "".join(map(str, scores))
            if not matches:
                problems.append(f"scores {code} (recency, frequency, monetary) are mapped to no group")
            elif len(matches) > 1:
                problems.append(f"scores {code} are mapped more than once: by {', '.join(matches)}")
        if problems:
            raise ValueError("each of the 27 score combinations must be mapped to exactly one group; "
                             + "; ".join(problems))
        return groups

    def group_of(self, scores: tuple[int, int, int]) -> str:
        """The group that (recency, frequency, monetary) `scores` are placed in."""
        return next(group for group, patterns in self.groups.items() for pattern in patterns
                    if pattern_matches(pattern, scores))

    def as_dbt_var(self) -> dict:
        """Var `cdp_rfm`: plain values, the map expanded to one entry per score combination (`"313": "Recent"`)."""
        return {
            "order_metric": self.order_metric,
            "snapshot_interval": self.snapshot_interval,
            "lookback_days": self.lookback_days,
            "percentile_cutoffs": list(self.percentile_cutoffs),
            "score_groups": {
                "".join(map(str, scores)): self.group_of(scores) for scores in itertools.product(SCORES, repeat=3)
            },
            "rfm_groups": list(RFM_GROUPS),
            "minimums": self.minimums.model_dump(),
            "source_file": self.source_file,
        }


def load_rfm_config(config_dir: Path) -> RfmConfig:
    """Read and validate `config_dir/rfm.yaml`, its order metric checked against config/metrics.yaml; a ConfigError
    names the file and the field."""
    path = config_dir / RFM_FILE
    config = load_config(path, RfmConfig).model_copy(update={"source_file": str(path)})
    try:
        check_order_metric(config.order_metric, config_dir, f"{path} order_metric")
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    return config
