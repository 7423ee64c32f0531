"""The one loader for YAML files under config/: parse, validate with pydantic, and name file and field on error."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pydantic
import yaml

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class ConfigError(ValueError):
    """A configuration file is missing, not YAML, or does not match its schema."""


def _field_path(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "(top level)"


def load_config(path: Path, model: type[ModelT]) -> ModelT:
    """Read `path` and validate it as `model`; a ConfigError names the file, the field and what was expected."""
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    try:
        return model.model_validate(data if data is not None else {})
    except pydantic.ValidationError as exc:
        problems = [f"  {_field_path(err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError(f"{path}: invalid configuration\n" + "\n".join(problems)) from exc
