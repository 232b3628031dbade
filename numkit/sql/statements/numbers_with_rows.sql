-- Which of $numbers some row holds, anywhere: a panel tells a number without any row from
-- one that sits out of sight of the chosen site.
select distinct number
from numbers
where number in (select unnest($numbers::varchar[]));
