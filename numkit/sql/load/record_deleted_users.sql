-- Users active before and missing from the new snapshot (departed: loading/load.py, which
-- leaves out a user onboarded in numkit and not yet in VOSS, whose onboarding is pending)
-- were deleted by the snapshot date; the load that found them missing is named, so that
-- forgetting it takes them back. The node is where VOSS last had them (a move made in
-- numkit and not in VOSS is not where VOSS deleted them from).
insert into deleted_users (username, node, deleted_at, load_id)
select users.username,
       coalesce((select last_loaded.node from users_at((select max(load_id) from loads where load_id < $load_id)) as last_loaded
                 where lower(last_loaded.username) = lower(users.username)), users.node),
       $as_of, $load_id
from users
where users.username in (select username from departed);
