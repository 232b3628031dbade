-- Number order, the one place it is written: by the integer value of the digits (999
-- before 1000), then without `+` before with it (1001 before +1001), then as text (0100
-- before 100). `value` is number_value(number), which numkit stores as numbers.number_order
-- so that ordering reads an integer instead of converting text. Compared as a struct, field
-- by field; candidates, move plans and batch ranks all order by it.
create or replace macro number_sort_key(value, number) as
    {'value': value, 'plus': starts_with(number, '+'), 'text': number};
