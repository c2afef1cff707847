import pytest
from dataflow import DataFlow

from app import register_models
from settings import DATABASE_URL

pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares

# --8<-- [start:shared]
shared_db = DataFlow(DATABASE_URL)  # made once, when pytest imports this module


@pytest.fixture
def models():
    register_models(shared_db)  # runs again for every test that asks for it
    return shared_db.get_models()
# --8<-- [end:shared]
