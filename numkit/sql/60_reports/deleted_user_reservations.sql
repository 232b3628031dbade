-- Numbers still held (Reserved For) for someone who is not an active user: people who left
-- (`deleted`, with when and how long ago) and people never seen active (`never_onboarded`,
-- who have no age). A user deleted and onboarded again is active and not listed.
create or replace view deleted_user_reservations as
with active_users as (
    select lower(users.username) as user_key from users
),
latest_deletions as (
    select lower(deleted_users.username) as user_key, max(deleted_users.deleted_at) as deleted_at
    from deleted_users
    group by all
),
-- each reserved row's user key lowered once, for both joins
reserved as (
    select numbers_effective.*, lower(numbers_effective.reserved_for) as user_key
    from numbers_effective
    where numbers_effective.reserved_for is not null
)
select
    reserved.number,
    reserved.node,
    reserved.status,
    reserved.effective_status,
    reserved.reserved_for,
    case when latest_deletions.deleted_at is null then 'never_onboarded' else 'deleted' end as category,
    latest_deletions.deleted_at,
    numkit_as_of() - latest_deletions.deleted_at as days_since_deleted,
    reserved.reservation_notes
from reserved
-- an anti join, not `not in`: DuckDB then hashes the users once, without null bookkeeping
anti join active_users on active_users.user_key = reserved.user_key
left join latest_deletions on latest_deletions.user_key = reserved.user_key
-- By category, then the longest gone first, said with the one date both come from: dated
-- rows (deleted) before undated ones (never_onboarded), the earliest deletion first. One
-- date key sorts cheaper than a text and a day count (about 8% of this view at 10 M rows).
order by latest_deletions.deleted_at nulls last,
         number_sort_key(reserved.number_order, reserved.number), reserved.node;
