-- Staged number rows in canonical form, with what is wrong with each value left null.
create or replace temp table checked_numbers as
select
    stage_numbers.*,
    case when regexp_full_match(canonical_number(number_raw), '\+?[0-9]{1,30}')
         then canonical_number(number_raw) end as number,
    case when not regexp_matches(node_raw, '(^\.|\.\.|\.$)') then node_raw end as node,
    case lower(status_raw)
        when 'available' then 'Available'
        when 'used' then 'Used'
        when 'used-utility' then 'Used-Utility'
        when 'reserved' then 'Reserved'
        when 'cooling' then 'Cooling'
        when 'inactive' then 'Inactive'
    end as status,
    -- A time part after the date is dropped: VOSS exports may write `2026-11-03 00:00:00`.
    case when regexp_matches(release_date_raw, '^[0-9]{4}-[0-9]{2}-[0-9]{2}($|[T ])')
         then try_cast(left(release_date_raw, 10) as date) end as release_date
from stage_numbers;
