"""The settings an inventory keeps in its database, read and written as a mapping."""

import json
from collections.abc import MutableMapping

from .arguments import whole_days
from .codes import CANDIDATE_ORDERS, DEFAULT_SETTINGS
from .errors import InvalidOperation
from .schema import fix_lookup


class Settings(MutableMapping):
    """Settings persisted in the database: cooling_days (0), alert_share (0.10),
    candidate_order ("number")."""

    def __init__(self, store):
        self._store = store

    def _validate(self, key, value):
        if key == "cooling_days":
            return whole_days(value, "cooling_days")
        if key == "alert_share":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise InvalidOperation(f"alert_share must be a fraction between 0 and 1, not {value!r}")
            return float(value)
        if key == "candidate_order":
            if value not in CANDIDATE_ORDERS:
                raise InvalidOperation(f"candidate_order must be one of {', '.join(CANDIDATE_ORDERS)}, "
                                       f"not {value!r}")
            return value
        raise InvalidOperation(f"unknown setting {key!r}; numkit knows {', '.join(DEFAULT_SETTINGS)}")

    @staticmethod
    def _fix(con, key):
        """A setting a rule reads through a fixed lookup: the lookup's constant follows it,
        in the same transaction (numkit_candidate_order(): a constant costs
        available_numbers nothing, a subquery reading `settings` a tenth of each question)."""
        if key == "candidate_order":
            fix_lookup(con, "numkit_candidate_order")

    def __getitem__(self, key):
        with self._store.session(write=False) as con:
            rows = con.execute(
                "select value from settings where key = $key", {"key": key}).fetchall()
        if not rows:
            raise KeyError(key)
        return json.loads(rows[0][0])

    def __setitem__(self, key, value):
        value = self._validate(key, value)
        with self._store.session(write=True), self._store.operation() as op:
            before = self.get(key)
            op.con.execute("insert or replace into settings values ($key, $value)",
                           {"key": key, "value": json.dumps(value)})
            self._fix(op.con, key)
            op.log_user("set_setting", None, {"key": key, "value": before}, {"key": key, "value": value})

    def __delitem__(self, key):
        if key in DEFAULT_SETTINGS:
            self[key] = DEFAULT_SETTINGS[key]
            return
        if key not in self:
            raise KeyError(key)
        with self._store.session(write=True), self._store.operation() as op:
            op.con.execute("delete from settings where key = $key", {"key": key})
            self._fix(op.con, key)
            op.log_user("delete_setting", None, {"key": key})

    def __iter__(self):
        with self._store.session(write=False) as con:
            return iter([row[0] for row in con.execute("select key from settings order by key").fetchall()])

    def __len__(self):
        with self._store.session(write=False) as con:
            return con.execute("select count(*) from settings").fetchall()[0][0]

    def __repr__(self):
        return f"Settings({dict(self)!r})"
