-- The first snapshot into a database: every user begins a version, copied from the users
-- just written (keep_user_versions would pair them with the empty history first: 0.8 s of
-- a first load at 2.6 M users).
insert into user_versions by name
select getvariable('numkit_kept_load') as from_load, null as to_load, username, node, extra
from users;
