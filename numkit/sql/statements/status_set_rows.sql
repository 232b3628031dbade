-- Setting the status of a free row by hand: the row takes $status with the end date
-- $as_of + $days (none when $days is null: Reserved without an end, Available). Setting
-- Reserved with $set_notes replaces the reservation notes by $notes (blank clears them,
-- as an empty cell of an export does; whitespace around them goes); otherwise the
-- notes stay.
create or replace temp table row_changes as
select * replace (
    $status::varchar as status,
    $as_of::date + $days::integer as release_date,
    case when $set_notes::boolean
         then nullif(regexp_replace($notes::varchar,
                                    '^' || whitespace() || '+|' || whitespace() || '+$', '', 'g'), '')
         else reservation_notes end as reservation_notes)
from chosen_rows;
