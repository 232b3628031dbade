-- The still-pending user changes applied on top of the export: a user onboarded or moved
-- in numkit is active again at numkit's node, a user deleted in numkit is gone again
-- (their deletion was recorded when it was made). A user the export has keeps the
-- export's other columns (extra: rules R29); numkit changed only the node.
create or replace temp table reapplied_users as
select mine.username, mine.node,
       case when export.username is null then mine.extra else export.extra end as extra
from numkit_users_at_load as mine
left join users as export on lower(export.username) = lower(mine.username)
where lower(mine.username) in (select lower(username) from reconciled
                               where outcome = 'pending' and number is null
                                 and kind in ('user_added', 'user_moved'));
delete from users
where lower(username) in (select lower(username) from reconciled
                          where outcome = 'pending' and number is null);
insert into users (username, node, extra)
select username, node, extra from reapplied_users;
drop table reapplied_users;
