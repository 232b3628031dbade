-- For previewing many moves: move_plan of each move (the registered frame `move_list`:
-- username, dest, policy), read in one query for the whole list, each move's rows in its
-- plan's order.
select move_list.username as mover, move_list.dest, plan.*
from move_list, move_plan(move_list.username, move_list.dest, move_list.policy) as plan
order by move_list.username, move_list.dest, plan.position;
