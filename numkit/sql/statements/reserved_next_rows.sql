-- Reserving the next numbers for a user (reserve_next, docs/rules.md#r33-reserve-next): the
-- Reserved For flag becomes $reserved_for. The notes and the end date are taken as
-- set_status takes them for Reserved: with $set_notes the notes become $notes (blank
-- clears them; whitespace around them goes), otherwise they stay; with an end date
-- ($until) the row becomes Reserved until then, without one its status and date stay, so
-- that the user is given it first when onboarded.
create or replace temp table row_changes as
select * replace (
    $reserved_for::varchar as reserved_for,
    case when $until::date is null then status else 'Reserved' end as status,
    coalesce($until::date, release_date) as release_date,
    case when $set_notes::boolean
         then nullif(regexp_replace($notes::varchar,
                                    '^' || whitespace() || '+|' || whitespace() || '+$', '', 'g'), '')
         else reservation_notes end as reservation_notes)
from chosen_rows;
