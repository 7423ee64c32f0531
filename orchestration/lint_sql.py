"""SQLFluff over the dbt models with the real config as dbt vars, so no model is skipped for want of them.

The dbt templater takes vars only from `[sqlfluff:templater:dbt:context]`, which INI cannot fill with the nested
config; this passes the validated config/ instead, and fails when a model cannot be compiled rather than skip it.
Run by `make lint`.
"""

import sys

from sqlfluff.core import FluffConfig, Linter
from sqlfluff.core.config import load_config_file

from assets.profiles.dbt_vars import build_dbt_vars
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

_RENDERED_LOOP_RULES = ("layout.indent", "layout.select_targets", "aliasing.expression", "ambiguous.column_references")


def lint_models() -> int:
    """Lint every model; print violations with file and line; return the number of problems."""
    configs = load_config_file(str(PROJECT_ROOT), ".sqlfluff")
    dbt_templater = configs.setdefault("templater", {}).setdefault("dbt", {})
    dbt_templater["context"] = build_dbt_vars(load_settings().config_dir)
    dbt_templater["dbt_skip_compilation_error"] = False
    # With the real config, Jinja loops render columns whose indentation SQLFluff cannot map back to the template
    # (LT02, LT09), and union-all branches rightly take their names from the first branch (AL03, AM06).
    excluded = ",".join([configs.get("core", {}).get("exclude_rules", ""), *_RENDERED_LOOP_RULES]).strip(",")
    config = FluffConfig(configs=configs, overrides={"processes": 2, "exclude_rules": excluded})
    result = Linter(config=config).lint_paths((str(DBT_PROJECT_DIR / "models"),))
    problems = 0
    for record in result.as_records():
        for violation in record["violations"]:
            problems += 1
            print(f"{record['filepath']}:{violation['start_line_no']}: {violation['code']} {violation['description']}")
    return problems


def main() -> None:
    problems = lint_models()
    print(f"sqlfluff: {problems} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
