"""Tests of the models on one DataFlow instance, the one conftest.py makes."""

from dataflow import DataFlow

from app import register_models
from settings import DATABASE_URL


# --8<-- [start:tests]
def test_customer_is_registered(models):
    assert "Customer" in models


def test_customer_has_an_email(models):
    assert "email" in models["Customer"].__annotations__


def test_two_instances_each_register_customer():
    first, second = DataFlow(DATABASE_URL), DataFlow(DATABASE_URL)
    register_models(first)
    register_models(second)
    assert first.get_models().keys() == second.get_models().keys() == {"Customer"}
# --8<-- [end:tests]
