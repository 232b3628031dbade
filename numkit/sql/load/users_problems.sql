-- Every problem of the user rows: (row, column, value, reason). A username met again (in
-- any case) is reported on each later row, once, so that a non-strict load keeps the first.
with
-- Paths are few next to users: each distinct path is checked once. Each path is the
-- group's value (max), not the grouping key: DuckDB moves a filter on a grouping key below
-- the grouping, and checked the path of every user (the users' checks took 0.77-0.88 s at
-- 2.6 M users, against 0.46-0.52 s).
path_problems as (
    select node, problem
    from (select node, node_path_problem(node) as problem
          from (select max(node) as node from checked_users where node is not null
                group by node))
    where problem is not null
),
-- Usernames held by more than one row: counted first, so that only those rows are ranked.
-- Compared as numkit compares them, and also as letters: `José` written as `e` and a
-- combining accent (as a Mac may write it) is the same name to a reader, and would be a
-- second user to numkit. The key is made from the name as numkit compares it (lowered
-- first), so that two names numkit takes for one are always one key: normalised first,
-- `zİ` and `zi` would be two keys for DuckDB's lower() of one name (`zI` and a combining
-- dot). (Normalised only when a name holds more than ASCII: most do not.)
keyed as (
    select _row, username,
           case when strlen(username) = length(username) then lower(username)
                else lower(nfc_normalize(lower(username))) end as name_key
    from checked_users
    where username is not null
),
repeated_names as (
    select name_key
    from keyed
    group by name_key
    having count(*) > 1
),
repeats as (
    select _row, username,
           row_number() over (partition by name_key order by _row) as nth,
           min(_row) over (partition by name_key) as first_row,
           first(username order by _row) over (partition by name_key) as first_name
    from keyed
    where name_key in (select name_key from repeated_names)
)
select _row as row, 'username' as "column", username as value, 'missing username' as reason
from checked_users where username is null
union all
select _row, 'username', username,
       'duplicate username (usernames are unique, compared case-insensitively): first at row '
       || first_row
       || case when lower(username) <> lower(first_name)
               then ' (the same letters written with other Unicode characters: a letter and a '
                    || 'combining accent for an accented letter)' else '' end
from repeats where nth > 1
union all
select _row, 'node', node, 'missing node'
from checked_users where node is null
union all
select checked_users._row, 'node', checked_users.node, path_problems.problem
from checked_users
join path_problems on path_problems.node = checked_users.node
