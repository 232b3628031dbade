-- The numbers each of the given users holds now (Used By, whatever its case): what VOSS's
-- subscriber workflows need beside a user's onboarding, move or deletion.
select lower(used_by) as user_key, number, node
from numbers
where lower(used_by) in (select lower(unnest($usernames)))
order by lower(used_by), number_sort_key(number_order, number), node;
