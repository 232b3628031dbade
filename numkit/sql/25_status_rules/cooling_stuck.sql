-- VOSS's daily cooling-expiry job looks back only 20 days from the snapshot, so cooling
-- with no end date, or an end date older than that, is stuck: it never releases by itself.
-- Without any load there is no snapshot date, and only cooling without an end date is stuck.
create or replace macro cooling_stuck(status, release_date) as
    status = 'Cooling'
    and (release_date is null or coalesce(release_date < numkit_snapshot_date() - 20, false));
