import pytest


@pytest.fixture
def english(app, monkeypatch):
    """Pages and messages are asserted in English, the language they are written in."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
