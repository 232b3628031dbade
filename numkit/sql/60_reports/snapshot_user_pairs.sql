-- The users that changed between two loaded snapshots, each paired with itself in the
-- other by username without regard to case (rules R36): only the versions one snapshot
-- holds and the other does not, as snapshot_number_pairs reads the numbers. A user missing
-- on one side was onboarded or deleted between the two, and one on both sides whose node
-- differs was moved (`moved`, decided here once for snapshot_change_rows and
-- snapshot_change_counts).
create or replace macro snapshot_user_pairs(from_load, to_load) as table
with users_earlier as (
    select lower(versions.username) as user_key, versions.username, versions.node
    from user_versions as versions
    where held_at_one_only(versions.from_load, versions.to_load, from_load, to_load)
),
users_later as (
    select lower(versions.username) as user_key, versions.username, versions.node
    from user_versions as versions
    where held_at_one_only(versions.from_load, versions.to_load, to_load, from_load)
)
select
    users_earlier.user_key is null as onboarded,
    users_later.user_key is null as deleted,
    users_earlier.user_key is not null and users_later.user_key is not null
        and users_earlier.node <> users_later.node as moved,
    coalesce(users_later.username, users_earlier.username) as username,
    users_earlier.node as node_before,
    users_later.node as node_after
from users_earlier
full join users_later on users_later.user_key = users_earlier.user_key;
