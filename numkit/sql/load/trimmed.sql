-- A cell as the analyst means it: without the spaces around it, and empty means missing.
-- trim() copies every value it is given, and most cells have nothing to trim, so it runs
-- only on a cell that is empty, starts or ends with a space, or holds a character outside
-- ASCII anywhere (trim() also removes Unicode spaces such as U+00A0, which are not ASCII).
create or replace temp macro trimmed(cell) as
    case
        when cell = '' or starts_with(cell, ' ') or ends_with(cell, ' ')
             or length(cell) <> strlen(cell)
        then nullif(trim(cell), '')
        else cell
    end;
