-- How many rows of the inventory hold a value in each optional column of the numbers file,
-- before a load replaces them (a status other than the default, Available): what a numbers
-- file without that column empties (loading/load.py, LoadReport.emptied).
select
    count(*) filter (where status <> 'Available') as status,
    count(usage) as usage,
    count(reserved_for) as reserved_for,
    count(used_by) as used_by,
    count(release_date) as release_date,
    count(reservation_notes) as reservation_notes,
    count(description) as description
from numbers;
