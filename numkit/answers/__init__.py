"""The questions analysts are asked by phone, answered from the inventory: may this user
have this number, and why not (rules R10); what would they get next (R9); what is this
number (its rows, where each is seen from, who holds or is owed it, its history and the
changes made to it); who is this user (R5, R11, R24).

Each answer is an Answer: `facts`, plain values (text, numbers, booleans, ISO dates, lists
and dicts) for scripts (`--json`), and `lines`, the same facts in words, one a line, for a
person. The `numkit why`, `next`, `number` and `user` commands print one or the other."""

from .assignable import next_numbers, why
from .number import about_number
from .user import about_user

__all__ = ["about_number", "about_user", "next_numbers", "why"]
