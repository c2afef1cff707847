# The fixtures the tests use live in shop_fixtures.py.
pytest_plugins = ["shop_fixtures"]
