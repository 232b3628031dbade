-- Numbers sort by the integer value of their digits first (999 before 1000), so the
-- digits are compared as a number, not as text: the first field of number_sort_key, which
-- states the whole order.
create or replace macro number_value(canonical) as
    try_cast(ltrim(canonical, '+') as hugeint);
