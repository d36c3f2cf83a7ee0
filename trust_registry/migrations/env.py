"""Alembic environment: runs only through :func:`trust_registry.migrate.migrate`, which passes the
connection (already in a transaction) in ``config.attributes["connection"]``."""

from alembic import context

from trust_registry.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run registry migrations with trust_registry.migrate(url)")
context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
