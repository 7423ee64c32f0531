"""SQLFluff over the dbt models with the real config as dbt vars, so no model is skipped for want of them, and one
house rule SQLFluff has no rule for.

The dbt templater takes vars only from `[sqlfluff:templater:dbt:context]`, which INI cannot fill with the nested
config; this passes the validated config/ instead, and fails when a model cannot be compiled rather than skip it.

The house rule: an import CTE (`name as (select * from {{ ref(...) }})`) is read at most once. DuckDB materializes
every CTE read more than once, whole, before the query runs: two reads of an import CTE over the events copy all of
them, every column, to memory and then to disk (at 10 M profiles, tens of GB). A relation read twice is named with
`ref()` or `source()` at each read instead. Run by `make lint`.
"""

import re
import sys
from pathlib import Path

from sqlfluff.core import FluffConfig, Linter
from sqlfluff.core.config import load_config_file

from assets.dbt_models.dbt_vars import build_dbt_vars
from core.settings import DBT_PROJECT_DIR, PROJECT_ROOT, load_settings

_RENDERED_LOOP_RULES = ("layout.indent", "layout.select_targets", "aliasing.expression", "ambiguous.column_references")


_IMPORT_CTE = re.compile(
    r"^(?P<name>\w+) as \(\s*select \* from \{\{ (?:ref|source)\(.*?\) \}\}", re.MULTILINE | re.DOTALL
)


def import_ctes_read_twice(sql: str) -> list[tuple[int, str, int]]:
    """(line, name, reads) of each import CTE of a model's SQL that is read more than once."""
    found = []
    for match in _IMPORT_CTE.finditer(sql):
        name = match.group("name")
        reads = len(re.findall(rf"\b(?:from|join)\s+{name}\b", sql, flags=re.IGNORECASE))
        if reads > 1:
            found.append((sql.count("\n", 0, match.start()) + 1, name, reads))
    return found


def lint_import_ctes(models_dir: Path) -> int:
    """Print each import CTE read more than once, with file and line; return how many."""
    problems = 0
    for path in sorted(models_dir.rglob("*.sql")):
        for line, name, reads in import_ctes_read_twice(path.read_text()):
            problems += 1
            print(
                f"{path}:{line}: CTE `{name}` imports a whole relation and is read {reads} times; DuckDB would "
                "materialize all of it: name the relation with ref()/source() at each read"
            )
    return problems


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
    cte_problems = lint_import_ctes(DBT_PROJECT_DIR / "models")
    print(f"import CTEs read more than once: {cte_problems}")
    sys.exit(1 if problems or cte_problems else 0)


if __name__ == "__main__":
    main()
