{#- Connected components of an undirected graph, set-based: min-label hooking with pointer jumping and edge
    contraction. Each round every label hooks to its smallest neighbour, pointer jumping flattens the hooks to
    their roots in O(log depth) steps, and the edges are rewritten between roots, so the edge set shrinks fast:
    rounds grow with log(n), not with the diameter of the graph as plain label propagation does.

    Called from a model's pre_hook. Leaves two tables beside the model: `<model>__cc_labels` (node_id,
    component_id = smallest node_id of its component) and `<model>__cc_stats` (rounds, jump steps, seconds);
    the model selects from them and its post_hook calls drop_connected_components_work. -#}
{% macro connected_components(nodes_relation, edges_relation, max_rounds=64) -%}
    {{ return(adapter.dispatch('connected_components', 'cdp')(nodes_relation, edges_relation, max_rounds)) }}
{%- endmacro %}

{% macro connected_components_work_relation(suffix) -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__cc_' ~ suffix)) }}
{%- endmacro %}

{#- Scratch tables of one run: temporary (in memory, no write-ahead log), gone with the connection. -#}
{% macro connected_components_scratch(suffix) -%}
    {{ return(this.identifier ~ '__cc_' ~ suffix) }}
{%- endmacro %}

{% macro cc_scalar(sql) -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
{%- endmacro %}

{% macro default__connected_components(nodes_relation, edges_relation, max_rounds) -%}
    {%- if execute -%}
    {%- set started = modules.datetime.datetime.now() -%}
    {%- set labels = cdp.connected_components_work_relation('labels') -%}
    {%- set edges = cdp.connected_components_scratch('edges') -%}
    {%- set parents = cdp.connected_components_scratch('parents') -%}
    {%- set jumped = cdp.connected_components_scratch('jumped') -%}
    {%- set stats = cdp.connected_components_work_relation('stats') -%}
    {%- set mapping = cdp.connected_components_scratch('mapping') -%}
    {#- Edges between distinct nodes, each once, smaller node first. -#}
    {%- do run_query(
        "create or replace temp table " ~ edges ~ " as select distinct least(src, dst) as node_a, greatest(src, dst) as node_b"
        ~ " from " ~ edges_relation ~ " where src <> dst"
    ) -%}
    {%- set initial_edges = cdp.cc_scalar("select count(*) from " ~ edges) -%}
    {#- mapping: node -> its current root, only for nodes already hooked; composed once per round. -#}
    {%- do run_query("create or replace temp table " ~ mapping ~ " (node_id bigint, root_id bigint)") -%}
    {%- set state = {'rounds': 0, 'jumps': 0, 'done': initial_edges == 0} -%}
    {%- for round in range(max_rounds) if not state['done'] -%}
        {%- do state.update({'rounds': state['rounds'] + 1}) -%}
        {#- Hook: every label with a smaller neighbour points at the smallest one (parent < node: a forest). -#}
        {%- do run_query(
            "create or replace temp table " ~ parents ~ " as select node_b as node_id, min(node_a) as parent_id"
            ~ " from " ~ edges ~ " group by node_b"
        ) -%}
        {#- Pointer jumping until every hooked label points at a root. -#}
        {%- set jumping = {'active': true} -%}
        {%- for step in range(64) if jumping['active'] -%}
            {%- do state.update({'jumps': state['jumps'] + 1}) -%}
            {%- do run_query(
                "create or replace temp table " ~ jumped ~ " as select p.node_id, coalesce(g.parent_id, p.parent_id) as parent_id,"
                ~ " g.parent_id is not null as moved from " ~ parents ~ " as p left join " ~ parents
                ~ " as g on g.node_id = p.parent_id"
            ) -%}
            {%- set moved = cdp.cc_scalar("select count(*) from " ~ jumped ~ " where moved") -%}
            {%- do run_query("create or replace temp table " ~ parents ~ " as select node_id, parent_id from " ~ jumped) -%}
            {%- do jumping.update({'active': moved > 0}) -%}
        {%- endfor -%}
        {#- Compose: nodes hooked earlier follow their root; labels hooked now join the mapping. -#}
        {%- do run_query(
            "create or replace temp table " ~ mapping ~ " as select m.node_id, coalesce(p.parent_id, m.root_id) as root_id"
            ~ " from " ~ mapping ~ " as m left join " ~ parents ~ " as p on p.node_id = m.root_id"
            ~ " union all select node_id, parent_id from " ~ parents
        ) -%}
        {#- Contract: edges between roots only; an edge inside one component disappears. -#}
        {%- do run_query(
            "create or replace temp table " ~ edges ~ " as select distinct least(a, b) as node_a, greatest(a, b) as node_b from ("
            ~ " select coalesce(pa.parent_id, e.node_a) as a, coalesce(pb.parent_id, e.node_b) as b from " ~ edges ~ " as e"
            ~ " left join " ~ parents ~ " as pa on pa.node_id = e.node_a"
            ~ " left join " ~ parents ~ " as pb on pb.node_id = e.node_b) as contracted where a <> b"
        ) -%}
        {%- do state.update({'done': cdp.cc_scalar("select count(*) from " ~ edges) == 0}) -%}
    {%- endfor -%}
    {%- if not state['done'] -%}
        {{ exceptions.raise_compiler_error("connected_components: not converged after " ~ max_rounds ~ " rounds") }}
    {%- endif -%}
    {%- do run_query(
        "create or replace table " ~ labels ~ " as select n.node_id, coalesce(m.root_id, n.node_id) as component_id"
        ~ " from " ~ nodes_relation ~ " as n left join " ~ mapping ~ " as m on m.node_id = n.node_id"
    ) -%}
    {%- set seconds = (modules.datetime.datetime.now() - started).total_seconds() -%}
    {%- do run_query(
        "create or replace table " ~ stats ~ " as select cast(" ~ state['rounds'] ~ " as integer) as rounds,"
        ~ " cast(" ~ state['jumps'] ~ " as integer) as jump_steps, cast(" ~ initial_edges ~ " as bigint) as edge_count,"
        ~ " cast(" ~ seconds ~ " as double) as seconds"
    ) -%}
    {%- for relation in [edges, parents, jumped, mapping] -%}
        {%- do run_query("drop table if exists " ~ relation) -%}
    {%- endfor -%}
    {%- endif -%}
    select 1 as connected_components_done
{%- endmacro %}

{#- post_hook: drop the tables connected_components left for the model to read. -#}
{% macro drop_connected_components_work() -%}
    {%- for suffix in ['labels', 'stats'] -%}
    drop table if exists {{ cdp.connected_components_work_relation(suffix) }};
    {% endfor -%}
{%- endmacro %}
