"""Screening is pure: tested without an app."""

import pytest

from moderation import sanitize, screening


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "+31 6 12345678",
        "0031 20 123 4567",
        "020-1234567",
        "(020) 123 4567",
        "+32 (0)2 123 45 67",
        "010 - 123 45 67",
    ],
)
def test_phone_numbers_are_found(number):
    result = screening.screen(f"Bel me op {number} vanavond.")
    assert result.redacted == "Bel me op [telefoonnummer] vanavond."
    assert [f.label for f in result.findings] == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "In 2023 kwamen 1234 mensen.",
        "Datum 2024-10-12",
        "Bedrag 1.250.000 euro",
        "Jaren 1990 tot 2010",
    ],
)
def test_numbers_that_are_not_phone_numbers_survive(text):
    assert screening.screen(text).findings == []


def test_a_postcode_is_a_postcode_not_a_phone_number():
    assert [f.label for f in screening.screen("Postcode 3521 AB").findings] == ["postcode"]


def test_email_found_and_redacted_in_reader_language():
    text = "Mail naar jan.de-vries+wijk@voorbeeld.nl, graag."
    assert screening.screen(text, "nl").redacted == "Mail naar [e-mail], graag."
    assert screening.screen(text, "en").redacted == "Mail naar [email address], graag."


def test_offsets_point_at_the_personal_data_and_the_placeholders():
    result = screening.screen("Café één: bel 06-12345678 of mail a@b.nl")
    found = [result.cleaned[f.start : f.end] for f in result.findings]
    placed = [result.redacted[f.start : f.end] for f in result.placeholders]
    assert found == ["06-12345678", "a@b.nl"]
    assert placed == ["[telefoonnummer]", "[e-mail]"]


def test_words_of_the_trade_survive():
    text = "De wijkagent en de corporatie kwamen naar het buurthuis in Overvecht."
    result = screening.screen(text)
    assert result.redacted == text


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)><circle/></svg>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_sanitizer_removes_active_content(payload):
    cleaned = sanitize.clean(payload).lower()
    for bad in ("<script", "onerror", "javascript:", "<svg", "onload", "style=", "<iframe"):
        assert bad not in cleaned


def test_formatting_subset_is_kept_and_links_are_made_harmless():
    cleaned = sanitize.clean(
        '<p><strong>Ja</strong> <em>echt</em> <a href="https://e.nl">link</a></p>'
    )
    assert "<strong>Ja</strong>" in cleaned and "<em>echt</em>" in cleaned
    assert 'rel="nofollow ugc noopener"' in cleaned


def test_plain_text_keeps_paragraphs_and_drops_tags():
    assert (
        sanitize.plain_text("<p>Een <b>twee</b></p><p>drie<br>vier</p>") == "Een twee\n\ndrie\nvier"
    )


def test_typed_paragraphs_become_markup():
    result = screening.screen("Eerste.\n\nTweede\nregel.", formatted=True)
    assert result.html == "<p>Eerste.</p><p>Tweede<br>regel.</p>"
    assert result.cleaned == "Eerste.\n\nTweede\nregel."
