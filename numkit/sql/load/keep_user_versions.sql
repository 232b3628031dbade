-- The snapshot's users kept as versions, as keep_number_versions keeps the rows: each user
-- that differs from the latest snapshot's version (every column), or is gone, ends it at
-- this load; each that differs or is new begins one. Users pair without regard to case.
-- A weekly load compares only the users it wrote (users_differing: a user it did not write
-- is the inventory's, which is the latest snapshot's unless a change pending in numkit
-- touched it) and those such a change touched; a load that writes every user
-- (numkit_every_user) compares them all.
create or replace temp table user_changes as
with candidates as (
    select lower(coalesce(username, kept_username)) as user_key from users_differing
    where not getvariable('numkit_every_user')
    union
    select lower(username) from pending_at_load where number is null and username is not null
)
select coalesce(lower(now.username), lower(was.username)) as user_key,
       was.username is not null as ends, now.username is not null as begins
from (select * from users
      where getvariable('numkit_every_user')
         or lower(username) in (select user_key from candidates)) as now
full join (select * from user_versions
           where to_load is null
             and (getvariable('numkit_every_user')
                  or lower(username) in (select user_key from candidates))) as was
  on lower(was.username) = lower(now.username)
where was.username is null or now.username is null
   or {u: was.username, n: was.node, x: was.extra::varchar}
      is distinct from {u: now.username, n: now.node, x: now.extra::varchar};
update user_versions
set to_load = getvariable('numkit_kept_load')
from user_changes
where user_versions.to_load is null and user_changes.ends
  and lower(user_versions.username) = user_changes.user_key;
insert into user_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load, username, node, extra
from users
where lower(username) in (select user_key from user_changes where begins);
