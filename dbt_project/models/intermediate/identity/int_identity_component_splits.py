"""One row per node of a conflicted component (int_identity_conflict_edges): the piece it stays in once the weakest
links that join more values of a type than `max_per_profile` allows are cut. Only conflicted components reach
Python; the rule is in connectors/warehouse/identity_splits.py."""


def model(dbt, session):
    from connectors.warehouse.identity_splits import split_components

    dbt.config(materialized="table")
    return split_components(dbt.ref("int_identity_conflict_edges").to_arrow_table())
