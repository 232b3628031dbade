-- What a load ($id; null: the latest) did with the changes pending before it, as
-- `reconciliations` records it, with who made each change (`decided_by`, actors_of), in
-- the order the panels list them.
select reconciliations.*, actors_of(event_ids) as decided_by
from reconciliations
where load_id = coalesce($id, (select max(load_id) from loads))
order by outcome, number is null, number_sort_key(number_value(number), number), node, kind,
         field, lower(username);
