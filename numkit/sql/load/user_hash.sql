-- A user's 64 bits as a weekly load pairs it with the inventory's (load/write_changed_users):
-- DuckDB's hash() of every column and of every column one byte later, XORed. hash() alone
-- misses a change of one value in two places eight bytes apart (load/line_hash).
create or replace temp macro user_hash(username, node, extra) as
    xor(hash(username, node, extra::varchar),
        hash(chr(1) || username, chr(1) || node, chr(1) || extra::varchar));
