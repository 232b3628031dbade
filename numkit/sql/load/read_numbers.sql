-- Number rows in numkit's form, read from the file in this one pass, in the file's order
-- (loading/load.py numbers them: checked_numbers). A value that is wrong is left null, and only
-- then is the value as written kept beside it (`<column>_raw`, for the problem report): the
-- table holds millions of rows, so it carries no copy it does not need. Node paths are
-- checked in numbers_problems, once per distinct path. A status is read in any case and
-- stored as `statuses` spells it; the spellings are looked up in a map read once, since a
-- join would not keep the file's order.
set variable numkit_status_spellings =
    (select map(list(lower(statuses.status)), list(statuses.status)) from statuses);
create or replace temp table read_numbers as
with formed as (
    select
        stage_numbers.*,
        canonical_number(number_raw) as number,
        getvariable('numkit_status_spellings')[lower(status_raw)] as status,
        -- A time after the date is dropped: VOSS exports may write `2026-11-03 00:00:00`.
        -- Only a time: a date followed by anything else (`2026-11-23 (extended to
        -- 2027-03-01)`) or by an impossible time (`T25:99`) is not a date.
        case when regexp_matches(release_date_raw, '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
                                 || '([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$')
                  and (length(release_date_raw) = 10
                       or try_cast(replace(release_date_raw, 'T', ' ') as timestamp) is not null)
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
