-- The inventory's data tests: every row names a violated invariant. Empty when sound.
create or replace view invariant_violations as
with active_users as (
    select lower(users.username) as user_key, users.username, users.node from users
),
-- Each row with the id of its node found by path (its own node_id may be stale: that is
-- another invariant), then the pairs of nodes holding numbers through which one number
-- can be twice on one path (same_path_pairs, the rule), by node id: pairing rows by
-- integer ids and number is several times cheaper at millions of rows than by path.
placed as (
    select numbers.number, numbers.node, nodes.node_id
    from numbers
    join nodes on nodes.node = numbers.node
),
held_pairs as (
    select descendants.node_id, ancestors.node_id as ancestor_id
    from same_path_pairs((select list(nodes.node) from nodes
                          where nodes.node_id in (select placed.node_id from placed))) as pairs
    join nodes as descendants on descendants.node = pairs.node
    join nodes as ancestors on ancestors.node = pairs.ancestor
)
select 'used_by_not_active' as invariant, number, node, used_by as username,
       'used_by names no active user' as detail
from numbers
where used_by is not null and lower(used_by) not in (select user_key from active_users)
union all
select 'used_by_without_used_status', number, node, used_by,
       'used_by is set but status is ' || status
from numbers
where used_by is not null and status <> 'Used'
union all
select 'used_and_reserved_for_other', number, node, used_by,
       'used by ' || used_by || ' but reserved for ' || reserved_for
from numbers
where used_by is not null and reserved_for is not null and lower(used_by) <> lower(reserved_for)
union all
select 'number_not_unique_on_path', descendant.number, descendant.node, null,
       'also at ancestor-or-self ' || ancestor_row.node
from placed as descendant
join held_pairs on held_pairs.node_id = descendant.node_id
join placed as ancestor_row
  on ancestor_row.node_id = held_pairs.ancestor_id and ancestor_row.number = descendant.number
union all
select 'number_not_unique_on_path', number, node, null, 'duplicate row at the same node'
from numbers
group by number, node
having count(*) > 1
union all
select 'unknown_node', number, node, null, 'the row''s node is not in nodes'
from numbers
where node not in (select nodes.node from nodes)
union all
select 'stale_node_id', numbers.number, numbers.node, null,
       'node_id is not the id of the row''s node: the rules would miss the row '
       || '(a row written with SQL; numkit writes keep node_id)'
from numbers
left join nodes on nodes.node = numbers.node
where numbers.node_id is distinct from nodes.node_id and nodes.node is not null
union all
select 'stale_number_order', number, node, null,
       'number_order is not number_value(number): the rules would put the row out of '
       || 'number order (a row written with SQL; numkit writes keep number_order)'
from numbers
where number_order is distinct from number_value(number)
union all
select 'stale_snapshot_date', null, null, null,
       'numkit_snapshot_date() is ' || coalesce(numkit_snapshot_date()::varchar, 'null')
       || ', the latest load is of ' || coalesce(max(as_of)::varchar, 'none')
       || ' (loads written with SQL; numkit fixes the date at each load)'
from loads
having numkit_snapshot_date() is distinct from max(as_of)
union all
select 'stale_node_lineage', null, node, null,
       'node_lineage ' || held || ' ancestor ' || ancestor || ' (distance ' || distance
       || ', id ' || coalesce(ancestor_id::varchar, 'none') || '), which `nodes` '
       || case held when 'lacks' then 'has' else 'does not have' end
       || ' (nodes written with SQL; numkit fills node_lineage at each load)'
from (
    (select 'lacks' as held, * from node_lineage_from_paths
     except select 'lacks', * from node_lineage)
    union all
    (select 'holds', * from node_lineage
     except select 'holds', * from node_lineage_from_paths)
)
union all
select 'unknown_status', number, node, null, 'status ' || status || ' is not a known status'
from numbers
where status not in (select statuses.status from statuses)
union all
select 'non_canonical_number', number, node, null, 'number is not in canonical form'
from numbers
where canonical_number(number) is distinct from number
union all
select 'user_unknown_node', null, node, username, 'the user''s node is not in nodes'
from users
where node not in (select nodes.node from nodes)
union all
select 'duplicate_active_user', null, null, min(username), 'active more than once'
from users
group by lower(username)
having count(*) > 1;
