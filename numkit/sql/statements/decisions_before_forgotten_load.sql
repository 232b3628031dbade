-- The changes that were pending when the forgotten load ($latest) began, from what it
-- recorded of them, whatever became of them: applied again on the snapshot before it (the
-- one they were pending against), they give back numkit's inventory as it was when the
-- load began, so that forgetting a load loses no decision. (In the shapes the
-- reconciliation's statements apply: reapplied_row_changes, reapply_users.)
create or replace temp table reconciled as
select * replace ('pending' as outcome)
from reconciliations
where load_id = getvariable('numkit_latest_load');
create or replace temp table numkit_rows_at_load as
select number, node,
       max(numkit_value) filter (where field = 'status') as status,
       max(numkit_value) filter (where field = 'usage') as usage,
       max(numkit_value) filter (where field = 'reserved_for') as reserved_for,
       max(numkit_value) filter (where field = 'used_by') as used_by,
       max(numkit_value) filter (where field = 'release_date')::date as release_date,
       max(numkit_value) filter (where field = 'reservation_notes') as reservation_notes,
       max(numkit_value) filter (where field = 'description') as description,
       -- not recorded: a row put back takes the extra columns of the snapshot gone back to
       null::json as extra
from reconciled
where number is not null
group by number, node;
create or replace temp table numkit_users_at_load as
select username, numkit_value as node, null::json as extra
from reconciled
where number is null and kind in ('user_added', 'user_moved');
delete from reconciliations where load_id = getvariable('numkit_latest_load');
