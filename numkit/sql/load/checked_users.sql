-- Staged users, with the node path checked.
create or replace temp table checked_users as
select
    stage_users.*,
    username_raw as username,
    case when not regexp_matches(node_raw, '(^\.|\.\.|\.$)') then node_raw end as node,
    row_number() over (partition by lower(username_raw) order by _row) > 1 as repeated
from stage_users;
