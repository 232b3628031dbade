-- Every problem of the number rows: (row, column, value, reason). Conflicts between two rows
-- are reported on the later row, so that a non-strict load keeps the first.
-- Rows are millions and problems few: each check reads only the columns it needs, and the
-- checks between rows first find the few rows that can clash, by a 64-bit hash of (node,
-- number) (much cheaper to count and join than the two strings), then pair those rows by
-- their strings, so that two pairs whose hashes merely collide are not reported.
with
-- Paths are few next to rows: each distinct path is checked and split once.
paths as (
    select node, string_split(node, '.') as segments,
           starts_with(node, '.') or ends_with(node, '.') or contains(node, '..') as broken
    from checked_numbers
    where node is not null
    group by node
),
-- (path, proper ancestor) where the ancestor holds numbers too: a number can be on the same
-- path twice only through such a pair.
held_ancestors as (
    select node, ancestor
    from (
        select paths.node, array_to_string(paths.segments[1:level], '.') as ancestor
        from paths
        cross join unnest(range(1, len(paths.segments))) as levels(level)
        where not paths.broken
    )
    where ancestor in (select node from paths)
),
rows_at_held_ancestors as materialized (
    select _row, node, number, hash(node, number) as pair_hash
    from checked_numbers
    where number is not null and node in (select ancestor from held_ancestors)
),
rows_below_a_holder_of_their_number as materialized (
    select below._row, below.node, below.number, held_ancestors.ancestor
    from checked_numbers as below
    join held_ancestors on held_ancestors.node = below.node
    where below.number is not null
      and hash(held_ancestors.ancestor, below.number) in
          (select pair_hash from rows_at_held_ancestors)
),
repeated_pair_hashes as (
    select hash(node, number) as pair_hash
    from checked_numbers
    where number is not null and node is not null
    group by pair_hash
    having count(*) > 1
),
repeated_rows as materialized (
    select _row, node, number
    from checked_numbers
    where number is not null and node is not null
      and hash(node, number) in (select pair_hash from repeated_pair_hashes)
      and node not in (select node from paths where broken)
),
same_path_pairs as (
    select below._row as row_a, above._row as row_b,
           below.number, below.node as node_a, above.node as node_b
    from rows_below_a_holder_of_their_number as below
    join rows_at_held_ancestors as above
      on above.node = below.ancestor and above.number = below.number
    union all
    select a._row, b._row, a.number, a.node, b.node
    from repeated_rows as a
    join repeated_rows as b on a.node = b.node and a.number = b.number and a._row > b._row
)
select _row as row, 'number' as "column", number_raw as value, 'missing number' as reason
from checked_numbers where number is null and number_raw is null
union all
select _row, 'number', number_raw,
       'not a number: digits with an optional leading + (or \+), at most 30 digits'
from checked_numbers where number_raw is not null
union all
select _row, 'node', node, 'missing node'
from checked_numbers where node is null
union all
select _row, 'node', node, 'a node path has an empty segment'
from checked_numbers where node in (select node from paths where broken)
union all
select _row, 'status', status_raw, 'empty status'
from checked_numbers where status is null and status_raw is null
union all
select _row, 'status', status_raw,
       'unknown status: one of Available, Used, Used-Utility, Reserved, Cooling, Inactive'
from checked_numbers where status_raw is not null
union all
select _row, 'release_date', release_date_raw, 'not a date: YYYY-MM-DD'
from checked_numbers where release_date_raw is not null
union all
select _row, 'used_by', used_by, 'used_by is set but the status is ' || status
from checked_numbers where used_by is not null and status <> 'Used'
union all
select _row, 'used_by', used_by, 'used_by names no active user'
from checked_numbers
where used_by is not null and lower(used_by) not in (select user_key from load_active_users)
union all
select _row, 'reserved_for', reserved_for,
       'a number used by ' || used_by || ' cannot be reserved for another user'
from checked_numbers
where used_by is not null and reserved_for is not null and lower(used_by) <> lower(reserved_for)
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
