"""One DataFlow instance shared by the tests of a module."""

import pytest
from dataflow import DataFlow

from app import register_models
from shop_fixtures import DATABASE_URL

# --8<-- [start:shared]
shared_db = DataFlow(DATABASE_URL)
register_models(shared_db)  # once, next to the instance it belongs to


@pytest.fixture
def models():
    return shared_db.get_models()
# --8<-- [end:shared]


def test_customer_is_registered(models):
    assert "Customer" in models


def test_customer_has_an_email(models):
    assert "email" in models["Customer"].__annotations__


def test_two_instances_each_register_customer():
    first, second = DataFlow(DATABASE_URL), DataFlow(DATABASE_URL)
    register_models(first)
    register_models(second)
    assert first.get_models().keys() == second.get_models().keys() == {"Customer"}
