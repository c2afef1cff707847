pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares
