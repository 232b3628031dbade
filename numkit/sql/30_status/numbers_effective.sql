-- What VOSS will have done by as_of, without changing what is stored:
-- * VOSS's daily cooling-expiry job looks back only 20 days from the snapshot, so cooling
--   with no end date or an end date older than that is stuck: it never releases by itself;
-- * other cooling whose end date has come is Available (the job released it);
-- * a reservation whose end date has come is Available.
create or replace view numbers_effective as
with flagged as (
    select
        numbers.*,
        numbers.status = 'Cooling'
            and (numbers.release_date is null
                 or coalesce(numbers.release_date < numkit_snapshot_date() - 20, false)) as stuck
    from numbers
)
select
    flagged.*,
    case
        when flagged.status = 'Cooling' and not flagged.stuck
             and flagged.release_date <= numkit_as_of() then 'Available'
        when flagged.status = 'Reserved'
             and flagged.release_date <= numkit_as_of() then 'Available'
        else flagged.status
    end as effective_status
from flagged;
