from databases import admin, is_test_database


# --8<-- [start:drop]
async def drop_database(url: str, name: str) -> None:
    if not is_test_database(name):
        raise RuntimeError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    # The db fixture has closed its DataFlow instance, which still keeps one connection open:
    # end this role's sessions in the database, then drop it.
    await admin(
        url,
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND usename = current_user AND pid <> pg_backend_pid()",
    )
    await admin(url, f'DROP DATABASE "{name}"')
# --8<-- [end:drop]
