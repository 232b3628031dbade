-- The users after a load (load_users_new) written where they differ from those the
-- inventory holds, every column: a weekly load rewrites a few users, not millions (the
-- index on usernames is kept up to date row by row).
delete from users
where not exists (select 1 from load_users_new as new
                  where new.username = users.username and new.node = users.node
                    and new.extra::varchar is not distinct from users.extra::varchar);
insert into users (username, node, extra)
select new.username, new.node, new.extra
from load_users_new as new
where not exists (select 1 from users as kept
                  where kept.username = new.username and kept.node = new.node
                    and kept.extra::varchar is not distinct from new.extra::varchar);
