-- Number rows in numkit's form, read from the file in this one pass, in the file's order
-- (load.py numbers them: checked_numbers). A value that is wrong is left null, and only
-- then is the value as written kept beside it (`<column>_raw`, for the problem report): the
-- table holds millions of rows, so it carries no copy it does not need. Node paths are
-- checked in numbers_problems, once per distinct path.
create or replace temp table read_numbers as
with formed as (
    select
        stage_numbers.*,
        case
            -- Most numbers are digits, or VOSS's `\+` and digits: nothing to rewrite.
            when regexp_full_match(number_raw, '(\\\+|\+)?[0-9]{1,30}')
                then case when starts_with(number_raw, '\') then number_raw[2:] else number_raw end
            when regexp_full_match(canonical_number(number_raw), '\+?[0-9]{1,30}')
                then canonical_number(number_raw)
        end as number,
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
    from stage_numbers
)
select
    number,
    case when number is null then number_raw end as number_raw,
    node_raw as node,
    status,
    case when status is null then status_raw end as status_raw,
    usage_raw as usage,
    reserved_for_raw as reserved_for,
    used_by_raw as used_by,
    release_date,
    case when release_date is null then release_date_raw end as release_date_raw,
    reservation_notes_raw as reservation_notes,
    description_raw as description,
    extra
from formed;
