-- The invariants (README, "What numkit guarantees") that the changes re-applied on top of
-- the export break, each naming the change to blame: a row (number, node) or a user. Only
-- what was re-applied is looked at; the export's own rows were checked as it loaded.
create or replace temp table broken_changes as
with reapplied_rows as (
    select numbers.*
    from numbers
    semi join (select distinct number, node from reconciled
               where outcome = 'pending' and number is not null and kind <> 'row_removed') as kept
        on kept.number = numbers.number and kept.node = numbers.node
),
reapplied_users as (
    select distinct lower(username) as user_key, kind
    from reconciled where outcome = 'pending' and number is null
)
select number, node, null::varchar as username, 'the row would be used by ' || used_by
       || ', who is not an active user' as reason
from reapplied_rows
where used_by is not null and lower(used_by) not in (select lower(username) from users)
union all
select number, node, null, 'the row would be used by ' || used_by || ' with status ' || status
from reapplied_rows
where used_by is not null and status <> 'Used'
union all
select number, node, null, 'the row would be used by ' || used_by || ' and reserved for '
       || reserved_for
from reapplied_rows
where used_by is not null and reserved_for is not null and lower(used_by) <> lower(reserved_for)
union all
select number, node, null, 'the export has no node ' || node
from reapplied_rows
where node not in (select nodes.node from nodes)
union all
select mine.number, mine.node, null, 'the export has ' || mine.number || ' at ' || other.node
       || ', on the same path'
from reapplied_rows as mine
join numbers as other on other.number = mine.number and other.node <> mine.node
join node_ancestors
  on (node_ancestors.node = mine.node and node_ancestors.ancestor = other.node)
  or (node_ancestors.node = other.node and node_ancestors.ancestor = mine.node)
union all
select null, null, users.username, 'the export has no node ' || users.node
from users
where lower(users.username) in (select user_key from reapplied_users)
  and users.node not in (select nodes.node from nodes)
union all
select null, null, numbers.used_by, 'the export has ' || numbers.used_by || ' using '
       || numbers.number || ' at ' || numbers.node
from numbers
where lower(numbers.used_by) in (select user_key from reapplied_users where kind = 'user_deleted');
