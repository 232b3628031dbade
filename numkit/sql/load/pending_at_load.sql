-- The changes pending before a load replaces the inventory (read before anything is
-- replaced), numkit's rows and users as they are then, and the users that exist only in
-- numkit (onboarded here, not in the snapshot): a users file without them is no sign that
-- they left, so the load never records them as deleted.
create or replace temp table pending_at_load as select * from pending_changes;
create or replace temp table numkit_rows_at_load as
select numbers.* exclude (node_id, number_order, line_hash)
from numbers
semi join (select distinct number, node from pending_at_load where number is not null) as changed
    on changed.number = numbers.number and changed.node = numbers.node;
-- only the users a pending change names: the reconciliation re-applies no other
-- (load/reapply_users), and copying millions cost a weekly load a quarter of a second
create or replace temp table numkit_users_at_load as
select * from users
where lower(username) in (select lower(username) from pending_at_load
                          where number is null and username is not null);
create or replace temp table numkit_only_users as
select distinct lower(username) as user_key from pending_at_load where kind = 'user_added';
