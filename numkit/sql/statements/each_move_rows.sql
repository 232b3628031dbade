-- For previewing many moves: every row used by or reserved for one of the users (the
-- registered frame `movers`: user_key), with its effective status.
select lower(numbers_effective.used_by) as used_key,
       lower(numbers_effective.reserved_for) as reserved_key,
       numbers_effective.*
from numbers_effective
where lower(numbers_effective.used_by) in (select user_key from movers)
   or lower(numbers_effective.reserved_for) in (select user_key from movers);
