-- Forgetting the latest snapshot writes back the one before it ($previous), every column,
-- as that load left it: its nodes (ids in path order, as a load numbers them), its users,
-- its numbers in node order; the deletions the forgotten load ($latest) recorded are taken
-- back, and the versions it began are dropped and those it ended are the latest again. The events log keeps both loads and the
-- forgetting: it is only ever appended to.
delete from nodes;
insert into nodes (node, parent, type, name, node_id)
select node, parent, type, name, row_number() over (order by node)
from nodes_at(getvariable('numkit_previous_load'));
delete from users;
insert into users (username, node, extra)
select username, node, extra from users_at(getvariable('numkit_previous_load'));
delete from numbers;
insert into numbers by name
select kept.number, kept.node, kept.status, kept.usage, kept.reserved_for, kept.used_by,
       kept.release_date, kept.reservation_notes, kept.description, kept.extra, nodes.node_id,
       number_value(kept.number) as number_order
from numbers_at(getvariable('numkit_previous_load')) as kept
join nodes on nodes.node = kept.node
order by nodes.node_id;
delete from deleted_users where load_id = getvariable('numkit_latest_load');
delete from number_versions where from_load = getvariable('numkit_latest_load');
update number_versions set to_load = null where to_load = getvariable('numkit_latest_load');
delete from user_versions where from_load = getvariable('numkit_latest_load');
update user_versions set to_load = null where to_load = getvariable('numkit_latest_load');
delete from node_versions where from_load = getvariable('numkit_latest_load');
update node_versions set to_load = null where to_load = getvariable('numkit_latest_load');
delete from load_rejects where load_id = getvariable('numkit_latest_load');
delete from loads where load_id = getvariable('numkit_latest_load');
