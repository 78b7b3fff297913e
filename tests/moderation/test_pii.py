"""Personal-data detectors, placeholders and the `pii scan` CLI. Detectors are pure."""

import json
import random
from datetime import date

import pytest

from moderation import names, pii, screening


def found(text: str, language: str = "nl") -> list[tuple[str, str]]:
    return [(f.label, text[f.start : f.end]) for f in screening.detect(text, language)]


def labels(text: str) -> list[str]:
    return [label for label, _ in found(text)]


# IBAN


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "NL20INGB0001234567",
        "BE68 5390 0754 7034",
        "DE89370400440532013000",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
    ],
)
def test_valid_ibans_are_found(iban):
    assert found(f"Maak het over op {iban} graag.") == [("iban", iban)]


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164301",  # check digits do not match
        "NL91ABNA041716430",  # one digit short
        "NL91 1234 0417 1643 00",  # NL needs four letters for the bank
        "XX91ABNA0417164300",  # no such country
        "BE68 5390 0754 7035",
    ],
)
def test_invalid_ibans_are_not(iban):
    assert "iban" not in labels(f"Rekening {iban}.")


def test_a_word_after_an_iban_is_not_part_of_it():
    assert found("Op BE68 5390 0754 7034 bank") == [("iban", "BE68 5390 0754 7034")]


def test_iban_check():
    assert pii.iban_valid("NL91 ABNA 0417 1643 00")
    assert not pii.iban_valid("NL91 ABNA 0417 1643 01")


# BSN


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "1234.56.782"])
def test_bare_bsns_passing_the_11_check_are_found(bsn):
    assert found(f"Nummer {bsn} staat op de brief.") == [("bsn", bsn)]


@pytest.mark.parametrize("number", ["123456789", "111222334", "000000000", "987654320"])
def test_numbers_failing_the_11_check_are_not_bsns(number):
    assert found(f"Mijn BSN is {number}.") == []


@pytest.mark.parametrize("bsn", ["12345672", "123 456 782", "123-456-782"])
def test_other_shapes_need_bsn_nearby(bsn):
    assert found(f"Mijn burgerservicenummer is {bsn}.") == [("bsn", bsn)]
    assert found(f"Bestelling {bsn} kwam niet.") == []


def test_bsn_check():
    assert pii.bsn_valid("111222333") and pii.bsn_valid("12345672")
    assert not pii.bsn_valid("123456789") and not pii.bsn_valid("000000000")


# Postcodes


@pytest.mark.parametrize("postcode", ["3521 AB", "3521AB", "1011 DK", "9999 ZZ"])
def test_postcodes_are_found(postcode):
    assert found(f"Ik woon in {postcode} Utrecht.") == [("postcode", postcode)]


@pytest.mark.parametrize(
    "text",
    [
        "Ik woon in 0123 AB.",  # no postcode starts with 0
        "Ik woon in 3521 SS.",
        "Ik woon in 3521 SA.",
        "Ik woon in 3521 SD.",
        "In 2023 en 2024 kwamen er 1500 mensen.",
        "Ik woon in 3521 ABC.",
        "Dat kost 1500 km.",
    ],
)
def test_not_postcodes(text):
    assert "postcode" not in labels(text)


def test_lower_case_postcode_only_right_after_the_word_postcode():
    assert found("Postcode: 3521ab") == [("postcode", "3521ab")]
    assert found("Ik reed 3521 km") == []


# Licence plates


@pytest.mark.parametrize(
    "plate",
    [
        "AB-12-34",  # 1
        "12-34-AB",  # 2
        "12-AB-34",  # 3
        "AB-12-CD",  # 4
        "AB-CD-12",  # 5
        "12-AB-CD",  # 6
        "12-ABC-3",  # 7
        "1-ABC-23",  # 8
        "XX-999-X",  # 9
        "X-999-XX",  # 10
        "XXX-99-X",  # 11
        "A-12-BCD",  # 12
        "1-KB-123",  # 13
        "123-KB-1",  # 14
    ],
)
def test_licence_plates_in_side_codes_are_found(plate):
    assert found(f"Een auto met kenteken {plate} stond er weer.") == [("licence_plate", plate)]


@pytest.mark.parametrize(
    "text",
    [
        "Het was een ABCD-actie.",
        "Hij kreeg COVID-19.",
        "De A-12 is dicht.",
        "Kenteken AB12CD zonder streepjes.",
        "Zij is oud-wethouder en ex-agent.",
        "Op 12-03-2024 was het druk.",
    ],
)
def test_words_and_codes_are_not_plates(text):
    assert "licence_plate" not in labels(text)


# Phone numbers and e-mail


@pytest.mark.parametrize(
    "number",
    ["06-12345678", "06 1234 5678", "+31 6 12345678", "0031 20 123 4567", "(020) 123 4567"],
)
def test_phone_formats(number):
    assert found(f"Bel {number} maar.") == [("phone", number)]


@pytest.mark.parametrize("text", ["Er kwamen 12345 mensen.", "Nummer 06-1234.", "Jaar 2024-2025"])
def test_not_phone_numbers(text):
    assert "phone" not in labels(text)


@pytest.mark.parametrize("email", ["jan@voorbeeld.nl", "a.b+c@sub.example.org", "X_Y@Z.COM"])
def test_emails(email):
    assert found(f"Mail {email}.") == [("email", email)]


@pytest.mark.parametrize("text", ["Zie @wijkstem op sociale media.", "jan@localhost", "a@b"])
def test_not_emails(text):
    assert "email" not in labels(text)


def test_email_beats_url_and_phone():
    assert found("Zie http://jan@voorbeeld.nl") == [("email", "jan@voorbeeld.nl")]
    assert found("Sms 0612345678@sms.nl") == [("email", "0612345678@sms.nl")]


def test_longest_span_wins():
    # The digits of a spaced IBAN look like a phone number too.
    assert found("NL91 ABNA 0417 1643 00") == [("iban", "NL91 ABNA 0417 1643 00")]


# URLs


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Kijk op https://www.voorbeeld.nl/pad?q=1.", "https://www.voorbeeld.nl/pad?q=1"),
        ("Of www.wijk.nl, zei hij.", "www.wijk.nl"),
        ("(zie http://x.nl/a_(b))", "http://x.nl/a_(b)"),
        ("Link: HTTPS://Voorbeeld.NL!", "HTTPS://Voorbeeld.NL"),
    ],
)
def test_urls(text, url):
    assert found(text) == [("url", url)]


@pytest.mark.parametrize("text", ["Het wwwweb.", "Protocol https:// alleen.", "voorbeeld.nl"])
def test_not_urls(text):
    assert "url" not in labels(text)


# Dates of birth


@pytest.mark.parametrize(
    ("text", "birth_date"),
    [
        ("Ik ben geboren op 12 maart 1980.", "12 maart 1980"),
        ("Zij is op 3 mei 1975 geboren.", "3 mei 1975"),
        ("Geb. 01-02-1975, Utrecht", "01-02-1975"),
        ("Geboortedatum: 1975-02-01", "1975-02-01"),
        ("He was born on March 12, 1980.", "March 12, 1980"),
        ("Date of birth 12/03/1980", "12/03/1980"),
        ("Mijn zoon is geboren op 4 juni.", "4 juni"),
        (f"Onze baby is geboren op 1 mei {date.today().year}.", f"1 mei {date.today().year}"),
        ("Mijn zoon, geb. 08-10-2017, komt ook.", "08-10-2017"),
    ],
)
def test_dates_of_birth(text, birth_date):
    assert found(text) == [("date_of_birth", birth_date)]


@pytest.mark.parametrize(
    "text",
    [
        "Op 12 maart hadden we een bijeenkomst.",
        "Op 12 maart 1980 opende het buurthuis.",
        "De vergadering is op 01-02-2024.",
        "Hij is hier geboren. Op 12 maart 1990 ging de school open.",
        f"Geboren op 1 mei {date.today().year + 1}.",  # not yet
        "Geboren op 31-13-1980.",  # no such month
    ],
)
def test_event_dates_are_not_dates_of_birth(text):
    assert "date_of_birth" not in labels(text)


# Names and addresses


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Toen kwam meneer Jansen langs.", "Jansen"),
        ("Ik sprak mevrouw De Vries.", "De Vries"),
        ("Mijn buurman Ahmed helpt.", "Ahmed"),
        ("Bel dhr. Bakker even.", "Bakker"),
        ("Het was mw. El Amrani.", "El Amrani"),
        ("Then Mr. Smith said no.", "Smith"),
        ("Ask Mrs. Jones.", "Jones"),
        ("Ik ken meneer Jan van Dijk al lang.", "Jan van Dijk"),
        ("Onze wijkagent Peters kwam.", "Peters"),
        ("Mevrouw Öztürk belde.", "Öztürk"),
        ("De heer J.P. Balkenende.", "J.P. Balkenende"),
    ],
)
def test_names_after_a_title_word(text, name):
    assert found(text) == [("name", name)]


def test_a_name_found_once_is_found_again_without_title():
    text = "Meneer Jansen woont er al lang. Jansen weet alles."
    assert found(text) == [("name", "Jansen"), ("name", "Jansen")]
    assert [text[s:e] for s, e, _ in names.names(text)] == ["Jansen", "Jansen"]


@pytest.mark.parametrize(
    "text",
    [
        "De wijkagent en de corporatie kwamen naar het buurthuis in Overvecht.",
        "De gemeente en de jongerenwerker praten in Rotterdam-Zuid met bewoners.",
        "Mijn buurman. Hij is aardig.",
        "Mijn buurvrouw Maandag niet.",
        "De wijkagent Overvecht-Noord kwam.",
        "I miss London.",
        "Amsterdam, Utrecht en Den Haag doen mee met de Gemeente.",
    ],
)
def test_words_of_the_trade_and_places_survive(text):
    assert screening.screen(text).redacted == text


def test_a_name_stops_before_the_organisation():
    assert screening.screen("Meneer Jansen van de gemeente kwam.").redacted == (
        "Meneer [naam] van de gemeente kwam."
    )


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Ik woon op de Kerkstraat 12a.", "Kerkstraat 12a"),
        ("Naar de Burgemeester de Withstraat 3 toe.", "Burgemeester de Withstraat 3"),
        ("Adres: Lange Nieuwstraat 5-2, Utrecht", "Lange Nieuwstraat 5-2"),
        ("Aan de Oudegracht 101 B zit het.", "Oudegracht 101 B"),
        ("Bij Vredenburgplein 40.", "Vredenburgplein 40"),
        ("Hij woont Amsterdamsestraatweg 9bis.", "Amsterdamsestraatweg 9bis"),
    ],
)
def test_street_addresses(text, address):
    assert ("address", address) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "De Kerkstraat is onveilig.",
        "In de kerkstraat 12 mensen.",
        "Het Vondelpark is mooi.",
        "We lopen over het pad 3 keer.",
    ],
)
def test_streets_without_number_are_not_addresses(text):
    assert "address" not in labels(text)


def test_address_with_postcode():
    text = "Kerkstraat 12, 3521 AB Utrecht"
    assert found(text) == [("address", "Kerkstraat 12"), ("postcode", "3521 AB")]


# Placeholders


def test_same_person_twice_gets_the_same_placeholder():
    result = screening.screen("Meneer Jansen belde. Later kwam mevrouw jansen ook.")
    assert result.redacted == "Meneer [naam] belde. Later kwam mevrouw [naam] ook."
    result = screening.screen("Meneer Jansen belde; mevrouw JANSEN niet.")
    assert result.redacted == "Meneer [naam] belde; mevrouw [naam] niet."


def test_two_people_are_numbered():
    result = screening.screen("Meneer Jansen en mevrouw De Vries. Jansen zei niks.")
    assert result.redacted == "Meneer [naam 1] en mevrouw [naam 2]. [naam 1] zei niks."


def test_numbering_is_per_label_and_ignores_case_spaces_and_punctuation():
    text = "Bel 06-12345678 of 06 12345678 of 020 123 4567; meneer Bakker."
    assert screening.screen(text).redacted == (
        "Bel [telefoonnummer 1] of [telefoonnummer 1] of [telefoonnummer 2]; meneer [naam]."
    )


def test_placeholders_point_at_their_place():
    result = screening.screen("Meneer Jansen en mevrouw De Vries, bel 06-12345678.")
    assert [result.redacted[f.start : f.end] for f in result.placeholders] == [
        "[naam 1]",
        "[naam 2]",
        "[telefoonnummer]",
    ]


SAMPLE = (
    "Mevrouw De Vries (geboren 3 mei 1975, BSN 111222333) woont op de Kerkstraat 12a, "
    "3521 AB Utrecht; auto AB-12-CD, rekening NL91ABNA0417164300, "
    "mail devries@voorbeeld.nl, site www.devries.nl, tel. 06-12345678."
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            "Mevrouw [naam] (geboren [geboortedatum], BSN [bsn]) woont op de [adres], "
            "[postcode] Utrecht; auto [kenteken], rekening [iban], "
            "mail [e-mail], site [url], tel. [telefoonnummer].",
        ),
        (
            "en",
            "Mevrouw [name] (geboren [date of birth], BSN [bsn]) woont op de [address], "
            "[postcode] Utrecht; auto [licence plate], rekening [iban], "
            "mail [email address], site [url], tel. [phone number].",
        ),
    ],
)
def test_every_label_has_a_placeholder_in_both_languages(language, expected):
    assert screening.screen(SAMPLE, language).redacted == expected


def test_placeholders_cover_every_label():
    assert set(screening.PLACEHOLDERS["nl"]) == set(screening.PLACEHOLDERS["en"])
    assert set(screening.PLACEHOLDERS["nl"]) == set(screening.LABELS)
    assert set(screening.LABELS) == {*screening.PATTERN_CONFIDENCE, screening.NAME}


def test_formatted_text_is_redacted_with_the_same_numbers():
    result = screening.screen(
        "Meneer <b>Jansen</b> en mevrouw De Vries. <a href='mailto:a@b.nl'>mail</a> Jansen.",
        formatted=True,
    )
    assert result.redacted == "Meneer [naam 1] en mevrouw [naam 2]. mail [naam 1]."
    assert "<b>[naam 1]</b>" in result.redacted_html and "[naam 2]" in result.redacted_html
    assert "a@b.nl" not in result.redacted_html and "Jansen" not in result.redacted_html


def test_a_finding_across_tags_keeps_the_markup_balanced():
    result = screening.screen("<p>Bel 06-<b>12345678</b> nu</p>", formatted=True)
    assert result.redacted_html == "<p>Bel [telefoonnummer]<b></b> nu</p>"


# Property: whatever is found is gone from the redacted text.

PIECES = [
    "meneer Jansen",
    "mevrouw El Amrani",
    "mijn buurvrouw Fatima",
    "06-12345678",
    "+31 20 123 4567",
    "jan@voorbeeld.nl",
    "NL91 ABNA 0417 1643 00",
    "BSN 123456782",
    "3521 AB",
    "AB-12-CD",
    "Kerkstraat 12",
    "https://wijk.example/nieuws",
    "geboren 1 april 1970",
    "de wijkagent",
    "het buurthuis in Overvecht",
    "de corporatie",
    "vorige week",
    "samen met de jongerenwerker",
]


@pytest.mark.parametrize("seed", range(8))
def test_nothing_found_survives_redaction(seed):
    rng = random.Random(seed)
    text = " en ".join(rng.choice(PIECES) for _ in range(12)) + "."
    result = screening.screen(text)
    for finding in result.findings:
        assert result.cleaned[finding.start : finding.end] not in result.redacted
    for kept in ("wijkagent", "buurthuis", "Overvecht", "corporatie", "jongerenwerker"):
        assert (kept in text) == (kept in result.redacted)


# CLI


def scan(runner, *lines: str):
    return runner.invoke(args=["pii", "scan"], input="".join(line + "\n" for line in lines))


def test_cli_writes_one_line_per_input_in_order(runner):
    result = scan(
        runner,
        json.dumps({"id": 1, "text": "Bel meneer Jansen op 06-12345678."}),
        "",
        json.dumps({"id": "b", "text": "Call Mr. Smith.", "language": "en"}),
        json.dumps({"id": 3, "text": "Niks bijzonders in Overvecht."}),
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == [1, "b", 3]
    assert lines[0] == {
        "id": 1,
        "findings": [
            {"start": 11, "end": 17, "label": "name", "text": "Jansen"},
            {"start": 21, "end": 32, "label": "phone", "text": "06-12345678"},
        ],
        "redacted": "Bel meneer [naam] op [telefoonnummer].",
    }
    assert lines[1]["redacted"] == "Call Mr. [name]."
    assert lines[2] == {"id": 3, "findings": [], "redacted": "Niks bijzonders in Overvecht."}


def test_cli_offsets_are_into_the_cleaned_text(runner):
    result = scan(runner, json.dumps({"id": 1, "text": "<b>Mail</b> a@b.nl"}))
    line = json.loads(result.output)
    assert line["findings"] == [{"start": 5, "end": 11, "label": "email", "text": "a@b.nl"}]


@pytest.mark.parametrize("bad", ["not json", '{"id": 2}', '["text"]', '{"id": 2, "text": 5}'])
def test_cli_names_the_malformed_line(runner, bad):
    result = scan(runner, json.dumps({"id": 1, "text": "Goed."}), bad)
    assert result.exit_code != 0
    assert "line 2" in result.output
