import pytest
from dataflow import DataFlow

from app import register_models
from settings import DATABASE_URL

pytest_plugins = ["shop_fixtures"]  # the fixtures every project of this recipe shares

# --8<-- [start:shared]
shared_db = DataFlow(DATABASE_URL)
register_models(shared_db)  # once, next to the instance it belongs to


@pytest.fixture
def models():
    return shared_db.get_models()
# --8<-- [end:shared]
