-- Users active before and missing from the new snapshot were deleted by the snapshot date;
-- the load that found them missing is named, so that forgetting it takes them back. A user
-- onboarded in numkit and not yet in VOSS is not missing: their onboarding is pending.
-- The node is where VOSS last had them (a move made in numkit and not in VOSS is not where
-- VOSS deleted them from).
insert into deleted_users (username, node, deleted_at, load_id)
select users.username,
       coalesce((select last_loaded.node from users_at((select max(load_id) from loads where load_id < $load_id)) as last_loaded
                 where lower(last_loaded.username) = lower(users.username)), users.node),
       $as_of, $load_id
from users
where lower(users.username) not in (select lower(username) from load_users)
  and lower(users.username) not in (select user_key from numkit_only_users);
