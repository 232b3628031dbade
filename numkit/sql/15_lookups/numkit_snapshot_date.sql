-- The snapshot date is the as_of of the latest load: the day the stored statuses were
-- true. Without any load there is none, and only cooling without an end date is stuck.
create or replace macro numkit_snapshot_date() as
    (select loads.as_of from loads order by loads.load_id desc limit 1);
