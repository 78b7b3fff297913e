"""Flags are pure: tested without an app."""

import pytest

from moderation import flags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De wachtlijst voor jeugdzorg is veel te lang geworden.", []),
        ("Die klootzak van de overkant doet niks.", [flags.ABUSE]),
        ("What a fucking mess this neighbourhood is.", [flags.ABUSE]),
        (
            "Kijk op https://a.example en https://b.example en www.c.example voor meer",
            [flags.LINKS],
        ),
        ("NIEMAND LUISTERT HIER NAAR ONS EN DAT IS AL JAREN ZO", [flags.CAPS]),
        ("Nee nee nee nee nee nee nee nee nee", [flags.REPEATED]),
        ("Heeeeeeeeeel slecht geregeld allemaal hier", [flags.REPEATED]),
        ("Oké.", [flags.SHORT]),
    ],
)
def test_flags(text, expected):
    assert flags.flags(text) == expected


def test_very_long_text_is_flagged():
    assert flags.LONG in flags.flags("woord " * 1200)


def test_words_of_the_trade_and_inflections_do_not_trip_the_lists():
    text = "De wijkagent en de corporatie werken goed samen; het buurthuis doet de catering."
    assert flags.flags(text) == []


def test_wordlists_are_data_files():
    assert "klootzak" in flags.wordlist("nl")
    assert "fuck" in flags.wordlist("en")
    assert flags.wordlist("tr") == frozenset()
