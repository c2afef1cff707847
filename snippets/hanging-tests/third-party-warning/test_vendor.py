from vendor import load_settings


def test_settings_have_defaults():
    assert load_settings() == {}
