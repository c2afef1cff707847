pytest_plugins = ["db_helpers"]  # the db fixture; the tests import its helpers
