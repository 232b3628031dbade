-- A cell as the analyst means it: without the whitespace around it (whitespace()), and
-- empty means missing. Removing it copies every value it is given, and most cells have
-- nothing to remove, so that runs only on a cell that is empty, starts or ends with a space
-- or an ASCII control character, or holds a character outside ASCII anywhere (whitespace()
-- has some that are not ASCII, such as U+00A0).
create or replace temp macro trimmed(cell) as
    case
        when cell = '' or ord(cell) <= 32 or ord(reverse(cell)) <= 32
             or length(cell) <> strlen(cell)
        then nullif(regexp_replace(cell, '^' || whitespace() || '+|' || whitespace() || '+$', '', 'g'), '')
        else cell
    end;
