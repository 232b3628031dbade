-- How much is decided in numkit and not yet in VOSS: the pending changes (one per changed
-- field), the number rows and the users they concern, and the earliest decision with its age
-- in whole days at the date the rules are evaluated at. A decision made after that date (the
-- analyst looking at an earlier day) counts as new, not as a negative age.
select count(*) as changes,
       count(distinct case when number is not null then [number, node] end) as rows,
       count(distinct case when number is null then lower(username) end) as users,
       min(decided_at) as oldest,
       -- greatest() would turn no decision at all into an age of 0
       case when min(decided_at) is not null
            then greatest(date_diff('day', min(decided_at)::date, numkit_as_of()), 0) end
           as oldest_days
from pending_changes;
