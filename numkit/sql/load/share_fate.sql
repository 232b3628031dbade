-- Changes that lean on one another share the fate of a conflict: a still-pending number
-- row becomes a conflict, all its fields, when a change it leans on is one. A row leans on
-- the changes made by the same event (a row carried by a move is removed at one node and
-- added at another), and a row whose user it gives or takes leans on that user's
-- onboarding, move or deletion (when VOSS kept the user where it had them, or onboarded
-- them elsewhere, what numkit did with their numbers was for a user VOSS does not have).
-- Returns how many fields became conflicts.
update reconciled
set outcome = 'conflict',
    reason = 'leans on a change VOSS decided otherwise: ' || leaning.why
from (
    select mine.number, mine.node,
           min(coalesce(other.number || ' at ' || other.node, 'user ' || other.username)
               || ' (' || other.reason || ')') as why
    from reconciled as mine
    join reconciled as other
      on other.outcome = 'conflict'
     and (list_has_any(other.event_ids, mine.event_ids)
          or (other.number is null and mine.field = 'used_by'
              and lower(other.username) in (lower(mine.voss_value), lower(mine.numkit_value))))
    where mine.outcome = 'pending' and mine.number is not null
    group by mine.number, mine.node
) as leaning
where reconciled.outcome = 'pending'
  and reconciled.number = leaning.number and reconciled.node = leaning.node;
