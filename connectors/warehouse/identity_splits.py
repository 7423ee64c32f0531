"""Splitting an over-merged identity component by its strongest links, so no piece exceeds a per-profile limit.

Called by the dbt Python model `int_identity_component_splits` on the edges of components that hold more values of
a type than its `max_per_profile` allows (two user ids joined through a shared device, an email, a CRM row and a
phone). Only those components reach Python: at 10 M profiles they are a small share of the graph, and the rest is
resolved set-based in SQL.

The rule is Kruskal's: links are taken strongest first (by the priority of the weaker identifier they join, then by
how many records support them, then by node id so the result is repeatable), and a link is cut when the two pieces
it would join hold more values of a limited type together than the limit. Each piece then holds at most the limit
of every type, and the links cut are the weakest that separate the conflicting values.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

EDGE_COLUMNS = ("src", "dst", "src_type", "dst_type", "src_limit", "dst_limit", "bridge_priority", "support")
SPLIT_SCHEMA = pa.schema([("node_id", pa.int64()), ("component_id", pa.int64())])


def split_components(edges: pa.Table) -> pa.Table:
    """(node_id, component_id) for every node of `edges`: its piece, named by the smallest node id in it.

    `edges` holds one row per link with EDGE_COLUMNS: both node ids, their identifier types and their types'
    `max_per_profile` (null when unlimited), the priority of the weaker identifier (lower is stronger) and the
    number of records that support the link.
    """
    missing = [column for column in EDGE_COLUMNS if column not in edges.column_names]
    if missing:
        raise ValueError(f"split_components: edges lack column(s) {', '.join(missing)}")
    order = pc.sort_indices(
        edges,
        sort_keys=[("bridge_priority", "ascending"), ("support", "descending"), ("src", "ascending"),
                   ("dst", "ascending")],
    )
    rows = edges.take(order).to_pydict()
    limits: dict[str, int] = {}
    for side in ("src", "dst"):
        for type_, limit in zip(rows[f"{side}_type"], rows[f"{side}_limit"], strict=True):
            if limit is not None:
                limits[type_] = int(limit)

    parent: dict[int, int] = {}
    counts: dict[int, dict[str, int]] = {}

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for side in ("src", "dst"):
        for node, type_ in zip(rows[side], rows[f"{side}_type"], strict=True):
            if node not in parent:
                parent[node] = node
                counts[node] = {type_: 1} if type_ in limits else {}

    for src, dst in zip(rows["src"], rows["dst"], strict=True):
        root_a, root_b = find(src), find(dst)
        if root_a == root_b:
            continue
        held_a, held_b = counts[root_a], counts[root_b]
        if any(held_a.get(type_, 0) + held_b.get(type_, 0) > limits[type_] for type_ in held_b):
            continue
        if len(held_a) < len(held_b):
            root_a, root_b, held_a, held_b = root_b, root_a, held_b, held_a
        parent[root_b] = root_a
        for type_, count in held_b.items():
            held_a[type_] = held_a.get(type_, 0) + count
        del counts[root_b]

    smallest: dict[int, int] = {}
    for node in parent:
        root = find(node)
        smallest[root] = min(smallest.get(root, node), node)
    nodes = sorted(parent)
    pieces = [smallest[find(node)] for node in nodes]
    return pa.table({"node_id": pa.array(nodes, pa.int64()), "component_id": pa.array(pieces, pa.int64())},
                    schema=SPLIT_SCHEMA)
