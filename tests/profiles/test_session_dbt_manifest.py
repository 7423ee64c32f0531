"""dbt in the tests runs on one manifest parsed per session (conftest.py's `dbt_manifest`): a run parses nothing,
and the vars it passes still reach the models, since dbt renders them when it compiles, not when it parses."""

from __future__ import annotations

from collections.abc import Callable

from raw_warehouse import DAY, Warehouse

from assets.profiles.identity_config import load_identity_config
from core.settings import PROJECT_ROOT

# One person twice in the CRM (an older duplicate record), both rows under one email.
DUPLICATES = [
    {"crm_id": f"crm-dup-{n}", "email": "dana@example.com", "country": "US", "updated_at": DAY,
     "source_name": "crm_profiles", "source_label": "crm"}
    for n in (1, 2)
]


def test_two_runs_on_the_session_manifest_each_resolve_with_their_own_identity_limit(
    new_warehouse: Callable[[str], Warehouse], invoke_dbt: Callable[..., object]
) -> None:
    profiles_by_limit = {}
    for limit in (3, 1):
        identity = load_identity_config(PROJECT_ROOT / "config").as_dbt_var()
        rules = {rule["type"]: rule for rule in identity["identifiers"]}
        rules["crm_id"]["max_per_profile"] = limit
        warehouse = new_warehouse(f"crm_limit_{limit}")
        warehouse.insert("crm_profiles", DUPLICATES)
        invoke_dbt(warehouse.path, warehouse.target, "run", "--select", "+int_identifier_profiles",
                   dbt_vars={"cdp_identity": identity})
        # A run that parsed would have written its partial-parse state into its target folder.
        assert not (warehouse.target / "partial_parse.msgpack").exists()
        profiles_by_limit[limit] = {warehouse.profile_of("crm_id", f"crm-dup-{n}") for n in (1, 2)}
    # Up to 3 CRM ids per profile (config/identity.yaml): the duplicates are one person. Limited to 1, they are two.
    assert len(profiles_by_limit[3]) == 1 and None not in profiles_by_limit[3]
    assert len(profiles_by_limit[1]) == 2 and None not in profiles_by_limit[1]
