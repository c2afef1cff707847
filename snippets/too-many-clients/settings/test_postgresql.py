import psycopg

from conftest import DATABASE_URL


# --8<-- [start:defaults]
def test_postgresql_defaults():
    """PostgreSQL's built-in defaults, whatever this server's postgresql.conf says."""
    with psycopg.connect(DATABASE_URL) as connection:
        defaults = dict(connection.execute(
            "SELECT name, boot_val FROM pg_settings"
            " WHERE name IN ('max_connections', 'superuser_reserved_connections')"
        ).fetchall())
    assert defaults == {"max_connections": "100", "superuser_reserved_connections": "3"}
# --8<-- [end:defaults]
