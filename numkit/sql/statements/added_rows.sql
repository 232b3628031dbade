-- Adding numbers ($numbers, in that order) at $node: each is a new row, Available, with
-- nothing else set but its Reserved For flag $reserved_for (null for none; reserve_for
-- creates the numbers it is given that have no row). The user the operation names for
-- each is $username (null for none).
create or replace temp table row_changes as
with keys as (
    select unnest($numbers::varchar[]) as number,
           generate_subscripts($numbers::varchar[], 1) as seq
)
select keys.seq,
       'insert' as change,
       null::varchar as old_number,
       null::varchar as old_node,
       keys.number,
       $node::varchar as node,
       'Available' as status,
       null::varchar as usage,
       $reserved_for::varchar as reserved_for,
       null::varchar as used_by,
       null::date as release_date,
       null::varchar as reservation_notes,
       null::varchar as description,
       null::json as extra,
       null::integer as old_node_id,
       (select node_id from nodes where node = $node) as node_id,
       $username::varchar as username,
       null as before
from keys;
