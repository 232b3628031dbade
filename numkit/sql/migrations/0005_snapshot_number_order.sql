-- Version 5: snapshots keep each row's number order, as `numbers` does. (Version 4 gained
-- it late, in its table file: a database made by an early version 4 lacks it too, so it
-- comes here, for every database of version 4 or before.)
alter table snapshot_numbers add column if not exists number_order hugeint;
update snapshot_numbers set number_order = number_value(number) where number_order is null;
