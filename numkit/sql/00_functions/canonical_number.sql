-- VOSS stores E.164 numbers as `\+44...`; the canonical form drops whitespace and the
-- backslash so that `\+4420...` and `+4420...` name the same number.
create or replace macro canonical_number(raw) as
    regexp_replace(regexp_replace(raw, whitespace(), '', 'g'), '^\\\+', '+');
