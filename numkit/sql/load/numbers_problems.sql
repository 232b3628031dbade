-- Every problem of the staged number rows: (row, column, value, reason). Conflicts between
-- two rows are reported on the later row, so that a non-strict load keeps the first.
with staged_nodes as (
    select distinct node, string_split(node, '.') as segments
    from checked_numbers
    where node is not null
),
proper_ancestors as (
    select node, array_to_string(segments[1:level], '.') as ancestor
    from staged_nodes
    cross join unnest(range(1, len(segments))) as levels(level)
),
same_path_pairs as (
    select descendant._row as row_a, ancestor_row._row as row_b,
           descendant.number, descendant.node as node_a, ancestor_row.node as node_b
    from checked_numbers as descendant
    join proper_ancestors on proper_ancestors.node = descendant.node
    join checked_numbers as ancestor_row
      on ancestor_row.node = proper_ancestors.ancestor and ancestor_row.number = descendant.number
    union all
    select a._row, b._row, a.number, a.node, b.node
    from checked_numbers as a
    join checked_numbers as b on a.number = b.number and a.node = b.node and a._row > b._row
)
select _row as row, 'number' as "column", number_raw as value, 'missing number' as reason
from checked_numbers where number_raw is null
union all
select _row, 'number', number_raw,
       'not a number: digits with an optional leading + (or \+), at most 30 digits'
from checked_numbers where number_raw is not null and number is null
union all
select _row, 'node', node_raw, 'missing node'
from checked_numbers where node_raw is null
union all
select _row, 'node', node_raw, 'a node path has an empty segment'
from checked_numbers where node_raw is not null and node is null
union all
select _row, 'status', status_raw, 'empty status'
from checked_numbers where status_raw is null
union all
select _row, 'status', status_raw,
       'unknown status: one of Available, Used, Used-Utility, Reserved, Cooling, Inactive'
from checked_numbers where status_raw is not null and status is null
union all
select _row, 'release_date', release_date_raw, 'not a date: YYYY-MM-DD'
from checked_numbers where release_date_raw is not null and release_date is null
union all
select _row, 'used_by', used_by_raw, 'used_by is set but the status is ' || status
from checked_numbers where used_by_raw is not null and status <> 'Used'
union all
select _row, 'used_by', used_by_raw, 'used_by names no active user'
from checked_numbers
where used_by_raw is not null and lower(used_by_raw) not in (select user_key from load_active_users)
union all
select _row, 'reserved_for', reserved_for_raw,
       'a number used by ' || used_by_raw || ' cannot be reserved for another user'
from checked_numbers
where used_by_raw is not null and reserved_for_raw is not null
  and lower(used_by_raw) <> lower(reserved_for_raw)
union all
select greatest(row_a, row_b), 'number', number,
       case when node_a = node_b
            then 'duplicate number at node ' || node_a || ' (rows ' || least(row_a, row_b)
                 || ' and ' || greatest(row_a, row_b) || ')'
            else 'number also at ' || case when row_a > row_b then node_b else node_a end
                 || ' (row ' || least(row_a, row_b) || '), on the same path: a number may be '
                 || 'shared only by nodes that are not ancestor and descendant'
       end
from same_path_pairs
order by row, "column";
