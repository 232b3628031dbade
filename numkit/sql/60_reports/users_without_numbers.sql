-- Active users who use no number (docs/rules.md#r39-users-without-a-number): onboarding gives
-- every user one (R13), so a user without any was given none in VOSS, or lost theirs to a
-- release. `reserved_numbers` counts the rows reserved for them anywhere (R11): numbers
-- someone meant them to have.
create or replace view users_without_numbers as
with users_holding as (
    select distinct lower(numbers.used_by) as user_key
    from numbers
    where numbers.used_by is not null
),
reserved as (
    select lower(numbers.reserved_for) as user_key, count(*) as reserved_numbers
    from numbers
    where numbers.reserved_for is not null
    group by lower(numbers.reserved_for)
)
select
    users.username,
    users.node,
    coalesce(reserved.reserved_numbers, 0) as reserved_numbers
from users
anti join users_holding on users_holding.user_key = lower(users.username)
left join reserved on reserved.user_key = lower(users.username)
order by users.node, lower(users.username), users.username;
