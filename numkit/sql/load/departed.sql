-- The users the inventory holds and the load does not (departed), read before the users
-- change: those whose row pairs with no user of the load (load/users_differing) and whose
-- username, in any case, no user of the load has (a user whose node or other columns
-- changed is unpaired on both sides), less those onboarded in numkit and not yet in VOSS
-- (numkit_only_users), whose onboarding is pending. A user paired by hash is the same
-- username in the load: only the few unpaired are looked for among the load's names
-- (0.35 s at 2.6 M users when every user was).
create or replace temp table departed as
select kept.kept_username as username
from (select kept_username from users_differing where kept_row is not null) as kept
anti join (select lower(username) as user_key from load_users_new) as staying
       on staying.user_key = lower(kept.kept_username)
anti join numkit_only_users on numkit_only_users.user_key = lower(kept.kept_username);
