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
)
select
    numbers_effective.number,
    numbers_effective.node,
    numbers_effective.status,
    numbers_effective.effective_status,
    numbers_effective.reserved_for,
    case when latest_deletions.deleted_at is null then 'never_onboarded' else 'deleted' end as category,
    latest_deletions.deleted_at,
    numkit_as_of() - latest_deletions.deleted_at as days_since_deleted,
    numbers_effective.reservation_notes
from numbers_effective
-- an anti join, not `not in`: DuckDB then hashes the users once, without null bookkeeping
anti join active_users on active_users.user_key = lower(numbers_effective.reserved_for)
left join latest_deletions on latest_deletions.user_key = lower(numbers_effective.reserved_for)
where numbers_effective.reserved_for is not null
order by category, days_since_deleted desc, number_sort_key(numbers_effective.number_order, numbers_effective.number),
         numbers_effective.node;
