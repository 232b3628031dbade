-- Cooling numbers that VOSS will never release by itself (no end date, or an end date
-- beyond the cooling job's 20-day look-back): they need a manual release.
create or replace view stuck_cooling as
select
    numbers_effective.number,
    numbers_effective.node,
    numbers_effective.release_date,
    numbers_effective.reserved_for,
    numkit_as_of() - numbers_effective.release_date as days_overdue,
    numbers_effective.description
from numbers_effective
where numbers_effective.status = 'Cooling'   -- read first: one column, most rows fail it
  and numbers_effective.stuck
order by numbers_effective.release_date nulls first, number_sort_key(numbers_effective.number_order, numbers_effective.number),
         numbers_effective.node;
