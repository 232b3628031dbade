-- Why a user at a node cannot be given a number: the first reason that applies, in this
-- order, or null when the number is assignable.
create or replace macro why_not(of_number, for_user, from_node) as (
    case
        when not exists (
            select 1 from numbers where numbers.number = canonical_number(of_number)
        ) then 'unknown_number'
        when not exists (
            select 1 from visible_numbers(from_node) as visible
            where visible.number = canonical_number(of_number)
        ) then 'not_visible'
        when exists (
            select 1 from visible_numbers(from_node) as visible
            where visible.number = canonical_number(of_number)
              and visible.reserved_for is not null
              and lower(visible.reserved_for) <> lower(for_user)
        ) then 'reserved_for_other'
        when exists (
            select 1 from visible_numbers(from_node) as visible
            where visible.number = canonical_number(of_number)
              and visible.effective_status <> 'Available'
        ) then 'not_available'
    end
);
