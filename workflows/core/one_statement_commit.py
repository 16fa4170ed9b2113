"""On PostgreSQL, a transaction's last writes in one round trip: the changed rows and the history.

What a unit of work still holds at commit is, on the hot path, a few changed rows (the task
completed or claimed, the instance's state, its version and the head of its history chain) and
the history events. The ORM would send one ``UPDATE`` per row and the events after them; here
they are one statement whose ``UPDATE``s are data-modifying ``WITH`` queries and whose events are
inserted by another, so the lock, the engine's writes and this one statement are the whole
transaction. Every rule of the flush is kept: only the columns that changed are written, the
instance's version is checked and raised (a concurrent writer makes it fail as
``StaleDataError`` would), and a row that is gone fails the commit. Anything else pending (new
or deleted objects, a changed relationship) takes the ORM's own flush; SQLite has no
data-modifying ``WITH`` and always does.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ColumnProperty, Session
from sqlalchemy.orm.attributes import set_committed_value

from models import ProcessEvent

# (object, its changed attributes by key, the new version or None)
_Changed = tuple[Any, dict[str, Any], Any]
_HISTORY_COLUMNS = ("instance_id", "seq", "kind", "at", "actor_id", "task_name", "payload",
                    "prev_hash", "hash", "hash_version")
_HISTORY: list[sa.CTE] = []
# More changed rows than this (a bulk action) take the flush: each count of rows is a statement
# of its own shape, and the shapes kept must stay few.
MAX_ROWS = 8


def _history_insert() -> sa.CTE:
    """The history's rows from one JSON document (``json_to_recordset``): a statement of one
    shape for any number of events, so SQLAlchemy compiles it once (a multi-row ``VALUES`` is
    compiled anew every time), and one parameter the driver sends as it is (arrays of text
    are escaped element by element)."""
    if not _HISTORY:
        table = ProcessEvent.__table__
        types = {"at": sa.DateTime(timezone=True)}
        rows = (sa.func.json_to_recordset(sa.bindparam("history", type_=sa.JSON))
                .table_valued(*(sa.column(name, types.get(name, table.c[name].type))
                                for name in _HISTORY_COLUMNS))
                .render_derived(with_types=True))
        _HISTORY.append(
            sa.insert(ProcessEvent)
            .from_select(list(_HISTORY_COLUMNS), sa.select(*rows.c))
            .returning(sa.literal_column("1")).cte("history"))
    return _HISTORY[0]


def write_changes_and_events(session: Session, events: list[dict[str, Any]]) -> bool:
    """Write the session's changed rows and ``events`` in one statement; False (nothing done)
    when that cannot be done here and the caller must flush and insert as usual."""
    if session.get_bind().dialect.name != "postgresql" or session.new or session.deleted:
        return False
    changes = _changed_rows(session)
    if changes is None or len(changes) > MAX_ROWS:
        return False
    changes.sort(key=lambda change: (sa.inspect(change[0]).mapper.local_table.name,
                                     sa.inspect(change[0]).identity))  # one lock order
    params: dict[str, Any] = {"history": [
        {name: event.get(name) for name in _HISTORY_COLUMNS}
        | {"at": event["at"].astimezone(UTC).isoformat()} for event in events]}
    shape = []
    for number, (obj, values, version) in enumerate(changes):
        state = sa.inspect(obj)
        mapper = state.mapper
        columns = tuple(sorted(mapper.get_property(key).columns[0].key for key in values))
        shape.append((mapper, columns, version is not None))
        params.update({f"c{number}_key{i}": value for i, value in enumerate(state.identity)})
        params.update({f"c{number}_{mapper.get_property(key).columns[0].key}": value
                       for key, value in values.items()})
        if version is not None:
            params[f"c{number}_was"] = version - 1
            params[f"c{number}_{mapper.version_id_col.key}"] = version
    statement = _statement(tuple(shape))
    # Through the connection: the session's autoflush would write these rows first.
    matched = session.connection().execute(statement, params).one()[:-1]
    if any(count != 1 for count in matched):
        raise StaleRow
    for obj, values, version in changes:
        for key, value in values.items():
            set_committed_value(obj, key, value)  # written: nothing left for the flush
        if version is not None:
            mapper = sa.inspect(obj).mapper
            set_committed_value(obj, mapper.get_property_by_column(mapper.version_id_col).key,
                                version)
    return True


_Shape = tuple[tuple[Any, tuple[str, ...], bool], ...]
_STATEMENTS: dict[_Shape, sa.Select[Any]] = {}


def _statement(shape: _Shape) -> sa.Select[Any]:
    """The statement for rows of these tables with these changed columns, built once with
    bound parameters (``c<n>_<column>``, ``c<n>_key<i>``, ``c<n>_was``): a statement object
    used again keeps its cache key, so neither building nor compiling is repeated."""
    if shape not in _STATEMENTS:
        updates, counts = [], []
        for number, (mapper, columns, versioned) in enumerate(shape):
            table = mapper.local_table
            where = [column == sa.bindparam(f"c{number}_key{i}", type_=column.type)
                     for i, column in enumerate(mapper.primary_key)]
            written = [*columns]
            if versioned:
                column = mapper.version_id_col
                where.append(column == sa.bindparam(f"c{number}_was", type_=column.type))
                written.append(column.key)
            update = (sa.update(table).where(*where)
                      .values({key: sa.bindparam(f"c{number}_{key}", type_=table.c[key].type)
                               for key in written})
                      .returning(sa.literal_column("1")).cte(f"changed_{number}"))
            updates.append(update)
            counts.append(sa.select(sa.func.count()).select_from(update).scalar_subquery())
        _STATEMENTS[shape] = sa.select(*counts, sa.literal(1)).add_cte(*updates,
                                                                       _history_insert())
    return _STATEMENTS[shape]


class StaleRow(Exception):
    """A changed row was changed or removed by another transaction since it was read."""


def _changed_rows(session: Session) -> list[_Changed] | None:
    """Each changed object with the column attributes that changed (None: one changed
    something this statement does not write, such as a relationship or an inherited row)."""
    changed: list[_Changed] = []
    for obj in session.dirty:
        state = sa.inspect(obj)
        mapper = state.mapper
        if mapper.inherits is not None or len(mapper.tables) != 1:
            return None
        values = {}
        for key in state.committed_state:  # the attributes set since the row was read
            attribute = state.attrs[key]
            if not attribute.history.has_changes():
                continue
            prop = mapper.get_property(attribute.key)
            if (not isinstance(prop, ColumnProperty) or len(prop.columns) != 1
                    or prop.columns[0].primary_key
                    or isinstance(attribute.value, sa.ClauseElement)):
                return None  # a relationship, a new key or a SQL expression: the flush's job
            values[attribute.key] = attribute.value
        if not values:
            continue
        version = None
        if mapper.version_id_col is not None:
            key = mapper.get_property_by_column(mapper.version_id_col).key
            if key in values:
                return None  # a version set by hand: the flush's rules apply
            version = getattr(obj, key) + 1
        changed.append((obj, values, version))
    return changed
