# The fixtures the tests use live in shop_fixtures.py; this project adds nothing to them.
pytest_plugins = ["shop_fixtures"]
