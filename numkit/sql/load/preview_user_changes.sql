-- What a previewed load does to the active users: added, removed (recorded as deleted, or
-- dropped when they existed only in numkit), or moved to another node.
select
    case when after.username is null then 'removed'
         when before.username is null then 'added'
         else 'moved' end as change,
    coalesce(after.username, before.username) as username,
    before.node as node_before,
    after.node as node_after
from users as after
full join preview_users_before as before on lower(before.username) = lower(after.username)
where after.username is null or before.username is null or after.node <> before.node
order by change, lower(coalesce(after.username, before.username));
