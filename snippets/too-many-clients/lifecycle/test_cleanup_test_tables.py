"""Which tables cleanup_test_tables() drops: any whose name matches one of its LIKE patterns."""

import psycopg
import pytest

from conftest import DATABASE_URL, call


def tables():
    with psycopg.connect(DATABASE_URL) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
    return [name for name, in rows]


# --8<-- [start:drops]
@pytest.mark.asyncio
async def test_what_cleanup_test_tables_drops(dataflow):
    db = dataflow(DATABASE_URL)

    @db.model
    class Article:
        title: str

    @db.model
    class Contest:
        name: str

    @db.model
    class LatestPrice:
        amount: int

    @db.model
    class Testimonial:
        text: str

    @db.model
    class Note:
        text: str

    await db.initialize()  # creates the five tables
    before = tables()
    await call(db, "cleanup_test_tables")  # call() checks the database name first
    after = tables()
    print("dropped:", *sorted(set(before) - set(after)))
    print("kept:   ", *after)
    # Patterns "article%", "%_test_%" and "test_%": four of the app's five tables are gone.
    assert sorted(set(before) - set(after)) == ["articles", "contests", "latest_prices",
                                                "testimonials"]
    assert "notes" in after
# --8<-- [end:drops]
