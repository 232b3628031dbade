-- The still-pending user changes applied on top of the export: a user onboarded or moved
-- in numkit is active again at numkit's node, a user deleted in numkit is gone again
-- (their deletion was recorded when it was made).
delete from users
where lower(username) in (select lower(username) from reconciled
                          where outcome = 'pending' and number is null);
insert into users (username, node, extra)
select mine.username, mine.node, mine.extra
from numkit_users_at_load as mine
where lower(mine.username) in (select lower(username) from reconciled
                               where outcome = 'pending' and number is null
                                 and kind in ('user_added', 'user_moved'));
