-- The candidate order the analyst chose (docs/rules.md#r9-candidates-and-next-available):
-- 'nearest' puts the rows of the node itself before its parent's, and so on up; anything
-- else is number order, the order before the setting existed (a database without the
-- setting's row, or one written there by plain SQL, keeps it).
create or replace macro numkit_candidate_order() as
    coalesce((select case when settings.value = '"nearest"' then 'nearest' end
              from settings where settings.key = 'candidate_order'), 'number');
