-- Every row with what VOSS will have done by as_of (effective_status) and whether it is
-- cooling that will never release by itself (stuck); see 25_status_rules.
create or replace view numbers_effective as
select
    numbers.* exclude (line_hash),
    coalesce(cooling_stuck(numbers.status, numbers.release_date), false) as stuck,
    effective_status(numbers.status, numbers.release_date) as effective_status
from numbers;
