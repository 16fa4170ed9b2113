"""Storage per finished leave instance (history included) and the API worker's memory.

Two storage figures per instance, in KB:

* ``row_kb``: the bytes of its rows (instance incl. engine state and data snapshot, every
  history event, every human task): ``pg_column_size(row.*)`` on PostgreSQL, the sum of column
  lengths on SQLite (an approximation);
* ``on_disk_kb``: each table's share of its on-disk size (heap + TOAST + indexes:
  ``pg_total_relation_size``; SQLite: ``dbstat`` pages of the table and its indexes) times
  this instance's rows, i.e. what 1 more such instance costs on disk at the current size.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

TABLES = {"process_instance": "id", "process_event": "instance_id", "human_task": "instance_id"}


def storage_per_instance(engine: sa.Engine, instance_ids: list[int]) -> dict[str, Any]:
    if not instance_ids:
        return {}
    pg = engine.dialect.name == "postgresql"
    ids = sa.bindparam("ids", expanding=True)
    out: dict[str, Any] = {"instances": len(instance_ids)}
    row_total = disk_total = 0.0
    with engine.connect() as connection:
        sizes = _table_sizes(connection, pg)
        for table, key in TABLES.items():
            size_expr = f"pg_column_size({table}.*)" if pg else _sqlite_row_size(table)
            rows, size = connection.execute(
                sa.text(f"SELECT count(*), coalesce(sum({size_expr}), 0) FROM {table} "
                        f"WHERE {key} IN :ids").bindparams(ids), {"ids": instance_ids}).one()
            all_rows = connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 1
            share = sizes.get(table, 0) / all_rows * rows
            out[table] = {"rows_per_instance": rows / len(instance_ids),
                          "row_kb": size / len(instance_ids) / 1024,
                          "on_disk_kb": share / len(instance_ids) / 1024}
            row_total += size
            disk_total += share
        state_bytes = connection.execute(
            sa.text("SELECT avg(length(state)) FROM process_instance WHERE id IN :ids")
            .bindparams(ids), {"ids": instance_ids}).scalar()
    out["state_kb"] = float(state_bytes or 0) / 1024
    out["row_kb"] = row_total / len(instance_ids) / 1024
    out["on_disk_kb"] = disk_total / len(instance_ids) / 1024
    return out


def _table_sizes(connection: sa.Connection, pg: bool) -> dict[str, float]:
    if pg:
        return {t: float(connection.scalar(sa.text(f"SELECT pg_total_relation_size('{t}')")))
                for t in TABLES}
    owners = dict(connection.execute(sa.text(
        "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")).all())
    sizes: dict[str, float] = {}
    for name, pages in connection.execute(sa.text(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all():
        table = owners.get(name, name)
        sizes[table] = sizes.get(table, 0.0) + float(pages)
    return sizes


def _sqlite_row_size(table: str) -> str:
    from models import Base

    columns = Base.metadata.tables[table].columns
    return " + ".join(f"coalesce(length({table}.{c.name}), 0)" for c in columns)
