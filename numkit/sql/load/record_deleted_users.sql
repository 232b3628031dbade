-- Users active before and missing from the new snapshot (load/departed, which leaves out a
-- user onboarded in numkit and not yet in VOSS, whose onboarding is pending) were deleted
-- by the snapshot date; the load that found them missing is named, so that forgetting it
-- takes them back. The node is where VOSS last had them (a move made in numkit and not in
-- VOSS is not where VOSS deleted them from): the last loaded user of the same name in any
-- case, the same spelling first (a database loaded before usernames alike in their lowered
-- form were refused may hold two).
insert into deleted_users (username, node, deleted_at, load_id)
select gone.username, coalesce(last_loaded.node, gone.node), $as_of, $load_id
from (select users.username, users.node
      from users semi join departed on departed.username = users.username) as gone
left join (
    select gone.username, last_loaded.node,
           row_number() over (partition by gone.username
                              order by last_loaded.username = gone.username desc,
                                       last_loaded.username) as nth
    from (select username from departed) as gone
    join users_at((select max(load_id) from loads where load_id < $load_id)) as last_loaded
      on lower(last_loaded.username) = lower(gone.username)
) as last_loaded
  on last_loaded.username = gone.username and last_loaded.nth = 1;
