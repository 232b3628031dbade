-- A still-pending change that, re-applied on the export, breaks an invariant is a
-- conflict instead, with the invariant as its reason.
update reconciled
set outcome = 'conflict',
    reason = 're-applied on the export, ' || (
        select min(broken.reason) from broken_changes as broken
        where (broken.number = reconciled.number and broken.node = reconciled.node)
           or (reconciled.number is null and lower(broken.username) = lower(reconciled.username)))
where outcome = 'pending'
  and exists (
        select 1 from broken_changes as broken
        where (broken.number = reconciled.number and broken.node = reconciled.node)
           or (reconciled.number is null and lower(broken.username) = lower(reconciled.username)));
