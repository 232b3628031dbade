-- Puts back the rows and users the reconciliation touched as the export has them (the
-- snapshot just kept), before the changes still pending are applied again without those
-- found to break an invariant.
delete from numbers
using (select distinct number, node from reconciled where number is not null) as touched
where numbers.number = touched.number and numbers.node = touched.node;
insert into numbers (number, node, status, usage, reserved_for, used_by, release_date,
                     reservation_notes, description, extra, node_id, number_order)
select kept.number, kept.node, kept.status, kept.usage, kept.reserved_for, kept.used_by,
       kept.release_date, kept.reservation_notes, kept.description, kept.extra, nodes.node_id,
       number_value(kept.number)
from numbers_at(getvariable('numkit_reconciled_load')) as kept
join nodes on nodes.node = kept.node
semi join (select distinct number, node from reconciled where number is not null) as touched
    on touched.number = kept.number and touched.node = kept.node;
delete from users
where lower(username) in (select lower(username) from reconciled where number is null);
insert into users (username, node, extra)
select kept.username, kept.node, kept.extra
from users_at(getvariable('numkit_reconciled_load')) as kept
where lower(kept.username) in (select lower(username) from reconciled where number is null);
