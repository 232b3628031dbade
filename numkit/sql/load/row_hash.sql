-- A number row's 64 bits as a weekly load pairs it with the inventory's (load/rows_to_rewrite):
-- DuckDB's hash() of every column and of every text column one byte later, XORed. hash()
-- alone misses a change of one value in two places eight bytes apart (load/line_hash).
create or replace temp macro row_hash(number, node, status, usage, reserved_for, used_by,
                                      release_date, reservation_notes, description, extra) as
    xor(hash(number, node, status, usage, reserved_for, used_by, release_date,
             reservation_notes, description, extra::varchar),
        hash(chr(1) || number, chr(1) || node, chr(1) || status, chr(1) || usage,
             chr(1) || reserved_for, chr(1) || used_by, release_date,
             chr(1) || reservation_notes, chr(1) || description, chr(1) || extra::varchar));
