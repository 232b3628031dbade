-- The candidate order the analyst chose (docs/rules.md#r9-candidates-and-next-available):
-- 'nearest' puts the rows of the node itself before its parent's, and so on up; anything
-- else is number order, the order before the setting existed (a database without the
-- setting's row, or one written there by plain SQL, keeps it). numkit fixes the answer as a
-- constant (statements/fix_lookup.sql) whenever it writes the setting, and after each
-- load: a subquery here cost available_numbers a tenth of each question. A row written into
-- `settings` by plain SQL is followed from the next load, or the next write through
-- inv.settings.
create or replace macro numkit_candidate_order() as
    coalesce((select case when settings.value = '"nearest"' then 'nearest' end
              from settings where settings.key = 'candidate_order'), 'number');
