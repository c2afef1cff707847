# Meant to load tests/fixtures.py, but "fixtures" is already the name of a plugin pytest
# registered itself, so pytest skips this entry without a word.
pytest_plugins = ["fixtures"]
