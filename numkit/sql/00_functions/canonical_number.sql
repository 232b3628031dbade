-- A number is digits with an optional leading `+`, at most 30 digits. VOSS stores E.164
-- numbers as `\+44...`, and people type spaces: the canonical form drops whitespace and
-- the backslash, so that `\+44 20...` and `+4420...` name the same number. Anything else
-- is not a number: null.
create or replace macro canonical_number(raw) as
    case
        -- Most numbers are digits, or VOSS's `\+` and digits: nothing to rewrite.
        when regexp_full_match(raw, '(\\\+|\+)?[0-9]{1,30}')
            then case when starts_with(raw, '\') then raw[2:] else raw end
        when regexp_full_match(
                regexp_replace(regexp_replace(raw, whitespace(), '', 'g'), '^\\\+', '+'),
                '\+?[0-9]{1,30}')
            then regexp_replace(regexp_replace(raw, whitespace(), '', 'g'), '^\\\+', '+')
    end;
