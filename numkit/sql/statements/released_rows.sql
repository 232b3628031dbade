-- Releasing a Used number (release, delete a user, a move's replaced numbers): it no
-- longer has a user. With $cooling_days > 0 it is Cooling until $as_of + $cooling_days
-- (after that date effective_status reads it as Available); with no cooling it is Available
-- at once, without an end date. Its Reserved For flag and notes stay.
create or replace temp table row_changes as
select * replace (
    case when $cooling_days::integer > 0 then 'Cooling' else 'Available' end as status,
    null::varchar as used_by,
    case when $cooling_days::integer > 0 then $as_of::date + $cooling_days::integer end
        as release_date)
from chosen_rows;
