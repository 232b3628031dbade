-- How scattered the numbers table is, in row groups a viewpoint reads: for each node, the
-- row groups whose smallest and largest node id take in one of its ancestors' ids (DuckDB
-- reads only those), on average over the nodes; first as the rows lie now (`now`: a row's
-- group from its row id), then as they would lie written again in node-id order
-- (`in_order`). A weekly load appends its changed rows after the others, each load's in
-- node-id order, and those groups span many nodes.
with placed as (
    select rowid // $group_rows as now_group,
           (row_number() over (order by node_id) - 1) // $group_rows as ordered_group,
           node_id
    from numbers
),
now_groups as (
    select now_group as row_group, min(node_id) as low, max(node_id) as high
    from placed group by now_group
),
ordered_groups as (
    select ordered_group as row_group, min(node_id) as low, max(node_id) as high
    from placed group by ordered_group
),
now_reads as (
    select node_lineage.node, count(distinct now_groups.row_group) as groups
    from node_lineage
    join now_groups on node_lineage.ancestor_id between now_groups.low and now_groups.high
    group by node_lineage.node
),
ordered_reads as (
    select node_lineage.node, count(distinct ordered_groups.row_group) as groups
    from node_lineage
    join ordered_groups on node_lineage.ancestor_id between ordered_groups.low and ordered_groups.high
    group by node_lineage.node
)
select coalesce((select avg(groups) from now_reads), 0) as now,
       coalesce((select avg(groups) from ordered_reads), 0) as in_order;
