-- Users active before and missing from the new snapshot were deleted by the snapshot date.
insert into deleted_users (username, node, deleted_at)
select users.username, users.node, $as_of
from users
where lower(users.username) not in (select lower(username) from valid_users);
