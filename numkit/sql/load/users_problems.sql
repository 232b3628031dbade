-- Every problem of the user rows: (row, column, value, reason). A username met again (in
-- any case) is reported on each later row, once, so that a non-strict load keeps the first.
with
-- Paths are few next to users: each distinct path is checked once.
path_problems as (
    select node, problem
    from (select node, node_path_problem(node) as problem
          from checked_users
          where node is not null
          group by node)
    where problem is not null
),
-- Usernames held by more than one row: counted first, so that only those rows are ranked.
repeated_names as (
    select lower(username) as user_key
    from checked_users
    where username is not null
    group by user_key
    having count(*) > 1
),
repeats as (
    select _row, username,
           row_number() over (partition by lower(username) order by _row) as nth,
           min(_row) over (partition by lower(username)) as first_row
    from checked_users
    where lower(username) in (select user_key from repeated_names)
)
select _row as row, 'username' as "column", username as value, 'missing username' as reason
from checked_users where username is null
union all
select _row, 'username', username,
       'duplicate username (usernames are unique, compared case-insensitively): first at row '
       || first_row
from repeats where nth > 1
union all
select _row, 'node', node, 'missing node'
from checked_users where node is null
union all
select checked_users._row, 'node', checked_users.node, path_problems.problem
from checked_users
join path_problems on path_problems.node = checked_users.node
