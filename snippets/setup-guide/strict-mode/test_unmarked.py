async def test_without_a_mark():
    assert True
