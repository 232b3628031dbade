-- Reserved For on numbers numkit will never hand out (docs/rules.md#r38-reservations-on-inactive-numbers):
-- an Inactive row is never Available (R4, R7), so nobody, the user named included, can be
-- given it (R9). The flag holds nothing for anyone; it misleads whoever reads it.
create or replace view inactive_reservations as
select
    numbers.number,
    numbers.node,
    numbers.reserved_for,
    numbers.reservation_notes,
    numbers.description
from numbers
where numbers.status = 'Inactive'     -- read first: one column, most rows fail it
  and numbers.reserved_for is not null
order by number_sort_key(numbers.number_order, numbers.number), numbers.node;
