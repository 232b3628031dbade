-- Numbers sort by the integer value of their digits first (999 before 1000), so the
-- digits are compared as a number, not as text. Use with `order by number_value(n),
-- starts_with(n, '+'), n`: numbers without `+` before those with it, then by text.
create or replace macro number_value(canonical) as
    try_cast(ltrim(canonical, '+') as hugeint);
