-- Every problem of the staged user rows: (row, column, value, reason).
select _row as row, 'username' as "column", username_raw as value, 'missing username' as reason
from checked_users where username_raw is null
union all
select _row, 'username', username_raw,
       'duplicate username (usernames are unique, compared case-insensitively)'
from checked_users where username_raw is not null and repeated
union all
select _row, 'node', node_raw, 'missing node'
from checked_users where node_raw is null
union all
select _row, 'node', node_raw, 'a node path has an empty segment'
from checked_users where node_raw is not null and node is null
order by row, "column";
