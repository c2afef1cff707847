from databases import admin, is_test_database


# --8<-- [start:drop]
async def drop_database(url: str, name: str) -> None:
    if not is_test_database(name):
        raise RuntimeError(f"refusing to drop {name!r}: 'test' is not a word of its name")
    await admin(url, f'DROP DATABASE "{name}"')
# --8<-- [end:drop]
