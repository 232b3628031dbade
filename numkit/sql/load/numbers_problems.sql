-- Every problem of the number rows: (row, column, value, reason). Conflicts between rows
-- are reported on each later row, naming the first row it clashes with, so that a
-- non-strict load keeps the first; one problem per row and check, so that n copies of a
-- row make n - 1 problems (pairing every copy with every other would make n²/2).
-- Rows are millions and problems few: each check reads only the columns it needs, and the
-- checks between rows first find the few rows that can clash, by a 64-bit hash of (node,
-- number) (much cheaper to count and join than the two strings), then match those rows by
-- their strings, so that rows whose hashes merely collide are not reported.
with
-- Paths are few next to rows: each distinct path is checked once, and split (below) only
-- when it is sound, so that a runaway path is never expanded.
paths as (
    select node, node_path_problem(node) as problem
    from checked_numbers
    where node is not null
    group by node
),
sound_paths as (
    select node
    from paths
    where problem is null
),
-- (path, proper ancestor) where the ancestor holds numbers too: the pairs through which a
-- number can be on one path twice (same_path_pairs, the rule).
held_ancestors as (
    select node, ancestor
    from same_path_pairs((select list(node) from sound_paths))
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
rows_above_a_row_of_their_number as materialized (
    select _row, node, number
    from rows_at_held_ancestors
    where pair_hash in (select hash(ancestor, number) from rows_below_a_holder_of_their_number)
),
-- Rows of one number at one node meet the rows at the other nodes of their path through
-- the first row of each (node, number), never row by row.
firsts_above as (
    select node, number, min(_row) as first_row
    from rows_above_a_row_of_their_number
    group by node, number
),
firsts_below as (
    select node, ancestor, number, min(_row) as first_row
    from rows_below_a_holder_of_their_number
    group by node, ancestor, number
),
-- Each (node, number) with the first row of each other node on its path holding the number.
clashes as (
    select below.node, below.number, above.node as other_node, above.first_row as other_row
    from firsts_below as below
    join firsts_above as above on above.node = below.ancestor and above.number = below.number
    union all
    select above.node, above.number, below.node, below.first_row
    from firsts_below as below
    join firsts_above as above on above.node = below.ancestor and above.number = below.number
),
first_clashes as (
    select node, number, min(other_row) as other_row, arg_min(other_node, other_row) as other_node
    from clashes
    group by node, number
),
same_path_rows as (
    select clashing._row, clashing.number, first_clashes.other_node, first_clashes.other_row
    from (select _row, node, number from rows_above_a_row_of_their_number
          union
          select _row, node, number from rows_below_a_holder_of_their_number) as clashing
    join first_clashes on first_clashes.node = clashing.node
                      and first_clashes.number = clashing.number
    where clashing._row > first_clashes.other_row
),
-- Found by sorting the hashes and comparing each with the one before: at 10 M rows under the
-- load's memory bound a `group by ... having count(*) > 1` spilled about 1 GB and this check
-- took 2.9-3.3 s, sorted 2.5-2.8 s (benchmarks/README.md, "The first load against its floor").
repeated_pair_hashes as (
    select distinct pair_hash
    from (select pair_hash, lag(pair_hash) over (order by pair_hash) as previous_hash
          from (select hash(node, number) as pair_hash
                from checked_numbers
                where number is not null and node is not null))
    where pair_hash = previous_hash
),
repeated_rows as materialized (
    select _row, node, number
    from checked_numbers
    where number is not null and node is not null
      and hash(node, number) in (select pair_hash from repeated_pair_hashes)
      and node not in (select node from paths where problem is not null)
),
duplicate_rows as (
    select _row, node, number, min(_row) over (partition by node, number) as first_row
    from repeated_rows
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
select checked_numbers._row, 'node', checked_numbers.node, bad_paths.problem
from checked_numbers
join (select node, problem from paths where problem is not null) as bad_paths
  on bad_paths.node = checked_numbers.node
union all
select _row, 'status', status_raw, 'empty status'
from checked_numbers where status is null and status_raw is null
union all
select _row, 'status', status_raw,
       'unknown status: one of '
       || (select string_agg(statuses.status, ', ' order by statuses.position) from statuses)
from checked_numbers where status_raw is not null
union all
select _row, 'release_date', release_date_raw, 'not a date: YYYY-MM-DD'
from checked_numbers where release_date_raw is not null
union all
select _row, 'used_by', used_by, 'used_by is set but the status is ' || status
       -- a file without the column reads every row as Available: that is the cause to name
       || case when getvariable('numkit_status_read') then ''
               else ' (the file has no Status column: every row reads as Available)' end
from checked_numbers where used_by is not null and status <> 'Used'
union all
-- active after the load: its users file's, or without one the users kept as they are
select _row, 'used_by', used_by,
       'used_by names no active user (none in the users this load leaves active)'
from checked_numbers
where used_by is not null and lower(used_by) not in (select user_key from load_active_users)
union all
select _row, 'reserved_for', reserved_for,
       'a number used by ' || used_by || ' cannot be reserved for another user'
from checked_numbers
where used_by is not null and reserved_for is not null and lower(used_by) <> lower(reserved_for)
union all
select _row, 'number', number,
       'duplicate number at node ' || node || ' (rows ' || first_row || ' and ' || _row || ')'
from duplicate_rows
where _row > first_row
union all
select _row, 'number', number,
       'number also at ' || other_node || ' (row ' || other_row || '), on the same path: a '
       || 'number may be shared only by nodes that are not ancestor and descendant'
from same_path_rows
