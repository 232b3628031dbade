-- How many changes a load ($load_id; null: the latest) found in each outcome, a change
-- being a number row (its changed fields together) or a user.
select outcome, count(distinct coalesce(number || chr(0) || node, lower(username))) as changes
from reconciliations
where load_id = coalesce($load_id, (select max(load_id) from loads))
group by outcome;
