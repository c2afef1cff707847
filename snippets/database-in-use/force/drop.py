from databases import admin, is_test_database


# --8<-- [start:drop]
async def drop_database(url: str, name: str) -> None:
    if not is_test_database(name):
        raise RuntimeError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    # WITH (FORCE): DROP DATABASE ends the sessions in it itself (PostgreSQL 15, 16 and 18 here).
    await admin(url, f'DROP DATABASE "{name}" WITH (FORCE)')
# --8<-- [end:drop]
