-- Every number row the snapshot holds, as the numbers table keeps them: the export's kept
-- rows and the rejected rows kept as last loaded (unread_kept_rows).
create or replace temp view load_rows as
select * from numbers_to_write
union all
select * from unread_kept_rows;
