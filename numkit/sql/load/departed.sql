-- The users the inventory holds and the load does not (departed), read before the users
-- change: those whose row pairs with no user of the load (load/users_differing) and whose
-- username, in any case, no unpaired user of the load has (a user whose node or other
-- columns changed is there on both sides), less those onboarded in numkit and not yet in
-- VOSS (numkit_only_users), whose onboarding is pending. Usernames are unique in any case
-- on each side, so a user of the load paired by hash is no other user: the pairs are never
-- read, and millions of usernames are never lowered (0.35 s at 2.6 M users, against a
-- few milliseconds).
create or replace temp table departed as
select kept.kept_username as username
from (select kept_username from users_differing where kept_row is not null) as kept
anti join (select lower(username) as user_key from users_differing where kept_row is null) as new
       on new.user_key = lower(kept.kept_username)
anti join numkit_only_users on numkit_only_users.user_key = lower(kept.kept_username);
