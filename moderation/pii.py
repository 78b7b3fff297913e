"""Detectors for personal data in (mostly Dutch) text. Pure: no Flask.

Each detector takes text and returns (start, end, label) spans. Where a number
carries a check (IBAN mod-97, BSN 11-proof) only numbers that pass count, so
that amounts, years and order numbers are left alone; where a pattern alone
would catch ordinary words or event dates, a format or a context word is
required as well.
"""

import re
from datetime import date

from moderation.names import PARTICLES, STREET_SUFFIXES, Span, wordlist

EMAIL, PHONE, URL, IBAN, BSN = "email", "phone", "url", "iban", "bsn"
POSTCODE, LICENCE_PLATE, DATE_OF_BIRTH = "postcode", "licence_plate", "date_of_birth"
ADDRESS = "address"


# Official Dutch side codes 1-14: L a letter, 9 a digit.
SIDECODES = wordlist("""LL-99-99 99-99-LL 99-LL-99 LL-99-LL LL-LL-99 99-LL-LL 99-LLL-9
    9-LLL-99 LL-999-L L-999-LL LLL-99-L L-99-LLL 9-LL-999 999-LL-9""")
IBAN_LENGTHS = {
    entry[:2]: int(entry[2:])
    for entry in wordlist("""AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22
    CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21
    HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22
    MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24
    SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20""")
}
# Capitalised words that do not belong to a street name before it (In, Naar, Gemeente).
NOT_NAMES = frozenset(
    wordlist("""ik jij je hij zij ze wij we jullie u het die dat deze dit een en maar of want
    dus toen als dan ook nog niet wel er daar hier nu al in op aan bij met voor na naar om uit
    over tot door zonder tegen sinds omdat zei zegt heeft had is was wordt werd kan kon wil
    wilde moet the a an he she i they it and but or so then also not on at by with for to from
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag monday tuesday wednesday
    thursday friday saturday sunday januari februari maart april mei juni juli augustus
    september oktober november december january february march may june july august october
    gemeente politie wijkagent buurthuis corporatie woningcorporatie wijkteam jongerenwerker
    jongerenwerk welzijn ggd school kerk moskee buurt wijk stad centrum""")
)
_COMPASS = ("-noord", "-zuid", "-oost", "-west", "-centrum", "-midden")
MONTHS = {
    name: number
    for number, names in enumerate(
        ("januari january jan", "februari february feb", "maart march mrt mar", "april apr")
        + ("mei may", "juni june jun", "juli july jul", "augustus august aug")
        + ("september sept sep", "oktober october okt oct", "november nov", "december dec"),
        start=1,
    )
    for name in wordlist(names)
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:e|ste|de|st|nd|rd|th)?"
DATE_PATTERNS = (
    # 12-03-1980, 12/3/80, 12.03.1980
    re.compile(
        r"(?<![\w/.-])(?P<d>\d{1,2})([-/.])(?P<m>\d{1,2})\2(?P<y>\d{4}|\d{2})(?![\w/-]|\.\d)"
    ),
    # 1980-03-12
    re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w-])"),
    # 12 maart 1980, 3e mei, 1st March 1980
    re.compile(
        rf"(?<![\w.])(?P<d>\d{{1,2}}){_ORDINAL} (?P<m>{_MONTH})(?:\.? (?P<y>\d{{4}}))?(?!\w)", re.I
    ),
    # March 12, 1980
    re.compile(
        rf"(?<!\w)(?P<m>{_MONTH})\.? (?P<d>\d{{1,2}}){_ORDINAL},? (?P<y>\d{{4}})(?!\w)", re.I
    ),
)
BIRTH_CONTEXT = re.compile(
    r"(?<!\w)(?:geboren|geb\.|geboortedatum|geboortedag|born|date of birth|birth ?date"
    r"|dob|d\.o\.b\.)(?!\w)",
    re.I,
)
BSN_CONTEXT = re.compile(r"(?<!\w)(?:bsn|burgerservicenummer|sofi-?nummer|sofinr)", re.I)
POSTCODE_CONTEXT = re.compile(r"(?<!\w)postcode\W{0,3}$", re.I)

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
_SEP = r"(?: ?[.\-] ?| )?"
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    # international: +31 6 12345678, 0031-20-1234567, +32 (0)2 123 45 67
    rf"(?:\+|00)\d{{2,3}}{_SEP}(?:\(0\){_SEP})?\d(?:{_SEP}\d){{6,10}}"
    # Dutch national, ten digits: 06-12345678, 020 123 4567, (020) 1234567
    rf"|\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{5,7}}"
    rf"|0\d(?:{_SEP}\d){{8}}"
    r")(?![\w])"
)
_URL_RE = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"']+", re.I)
_IBAN_RE = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)", re.I)
_BSN_RE = re.compile(
    r"(?<![\w.,+-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{8}|\d{3}([ .-])\d{3}\1\d{3})(?!\w|[.,-]\d)"
)
_BSN_BARE_RE = re.compile(r"\d{9}|\d{4}\.\d{2}\.\d{3}")
_POSTCODE_RE = re.compile(r"(?<![\w.,-])[1-9]\d{3} ?([A-Za-z]{2})(?![\w-])")
_PLATE_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(c.replace("L", "[A-Z]").replace("9", r"\d") for c in SIDECODES)
    + r")(?![\w-])"
)
_STREET_RE = re.compile(
    rf"(?<![\w-])[A-ZÀ-Ý][^\W\d_]*(?:-[^\W\d_]+)*(?:{'|'.join(STREET_SUFFIXES)})"
    r"[ \t]+\d{1,5}(?:[ -]?(?:bis|hs)|[a-zA-Z]|-\d{1,4}|[ -][A-Z])?(?![\w-])"
)
_WORD_BEFORE_RE = re.compile(r"([^\W\d_][\w'’.]*) $")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.)+")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)|\n\s*\n")


def _finds(pattern: re.Pattern, label: str, text: str) -> list[Span]:
    return [(m.start(), m.end(), label) for m in pattern.finditer(text)]


def emails(text: str) -> list[Span]:
    return _finds(_EMAIL_RE, EMAIL, text)


def phones(text: str) -> list[Span]:
    return _finds(_PHONE_RE, PHONE, text)


def licence_plates(text: str) -> list[Span]:
    """Dashes are required: without them too many codes and words look like a plate."""
    return _finds(_PLATE_RE, LICENCE_PLATE, text)


def urls(text: str) -> list[Span]:
    """http(s) and www. addresses, without the punctuation that ends the sentence."""
    spans = []
    for match in _URL_RE.finditer(text):
        url = match.group().rstrip(".,;:!?")
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(".,;:!?")
        if not url.lower().endswith(("://", "www.")):
            spans.append((match.start(), match.start() + len(url), URL))
    return spans


def iban_valid(iban: str) -> bool:
    """Known country and length, mod-97 on the rearranged number, and for NL the NL shape."""
    iban = re.sub(r"\s", "", iban).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    if iban[:2] == "NL" and not (iban[4:8].isalpha() and iban[8:].isdigit()):
        return False
    return int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1


def ibans(text: str) -> list[Span]:
    """IBANs with or without spaces; a word that happens to follow is not part of one."""
    spans = []
    for match in _IBAN_RE.finditer(text):
        candidate = match.group()
        length = IBAN_LENGTHS.get(candidate[:2].upper(), 0)
        ends = [i + 1 for i, c in enumerate(candidate) if c != " "]
        if len(ends) < length:
            continue
        end = ends[length - 1]
        if candidate[end : end + 1] in ("", " ") and iban_valid(candidate[:end]):
            spans.append((match.start(), match.start() + end, IBAN))
    return spans


def bsn_valid(number: str) -> bool:
    """The 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not all zero)."""
    digits = re.sub(r"\D", "", number).zfill(9)
    if len(digits) != 9 or not int(digits):
        return False
    return (
        sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0
    )


def bsns(text: str) -> list[Span]:
    """Nine digits passing the 11-proof; other shapes (123 456 782) need "BSN" before, nearby."""
    spans = []
    for match in _BSN_RE.finditer(text):
        bare = _BSN_BARE_RE.fullmatch(match.group())
        if bsn_valid(match.group()) and (bare or _near(BSN_CONTEXT, text, match, 80, 0)):
            spans.append((match.start(), match.end(), BSN))
    return spans


def postcodes(text: str) -> list[Span]:
    """1234 AB and 1234AB; not 0xxx, not SA/SD/SS; lower case only right after "postcode"."""
    spans = []
    for match in _POSTCODE_RE.finditer(text):
        letters = match.group(1)
        if letters.upper() in ("SA", "SD", "SS"):
            continue
        if letters.isupper() or POSTCODE_CONTEXT.search(
            text, max(0, match.start() - 12), match.start()
        ):
            spans.append((match.start(), match.end(), POSTCODE))
    return spans


def _near(context: re.Pattern, text: str, match: re.Match, before: int, after: int) -> bool:
    """Whether a context word stands within reach of `match`, in the same sentence."""
    start, end = match.start(), match.end()
    for hit in context.finditer(text, max(0, start - before), start):
        if not _SENTENCE_END_RE.search(text[hit.end() : start].rstrip(" ")):
            return True
    for hit in context.finditer(text, end, min(len(text), end + after)):
        if not _SENTENCE_END_RE.search(text[end : hit.start()]):
            return True
    return False


def _plausible_birth_date(match: re.Match) -> bool:
    day, month, year = match.group("d"), match.group("m"), match.group("y")
    month = int(month) if month.isdigit() else MONTHS[month.lower()]
    if not (1 <= int(day) <= 31 and 1 <= month <= 12):
        return False
    return not year or len(year) == 2 or 1900 <= int(year) <= date.today().year


def dates_of_birth(text: str) -> list[Span]:
    """Dates next to "geboren", "geb.", "born", ...: the date of an event is not personal data."""
    spans = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if _plausible_birth_date(match) and _near(BIRTH_CONTEXT, text, match, 40, 25):
                spans.append((match.start(), match.end(), DATE_OF_BIRTH))
    return spans


def addresses(text: str) -> list[Span]:
    """A capitalised word ending in a street suffix and a house number: Kerkstraat 12a.

    Capitalised words and particles just before it belong to the street name
    (Burgemeester de Withstraat 3, Lange Nieuwstraat 5); "In", "Naar" do not.
    """
    spans = []
    for match in _STREET_RE.finditer(text):
        start = pending = match.start()
        for _ in range(3):
            word = _WORD_BEFORE_RE.search(text, max(0, pending - 40), pending)
            token = word.group(1) if word else ""
            if token.lower() not in PARTICLES and not _looks_like_name(token):
                break
            pending = word.start()
            start = start if token.lower() in PARTICLES else pending
        spans.append((start, match.end(), ADDRESS))
    return spans


def _looks_like_name(token: str) -> bool:
    """Capitalised, not a common word, not a district (Overvecht-Noord); initials count."""
    if _INITIALS_RE.fullmatch(token):
        return True
    lowered = token.lower()
    return (
        token[:1].isupper()
        and (not token.endswith(".") or len(token) <= 5)
        and lowered.rstrip(".") not in NOT_NAMES
        and not lowered.endswith(_COMPASS)
    )


DETECTORS = (
    emails,
    urls,
    phones,
    ibans,
    bsns,
    postcodes,
    licence_plates,
    dates_of_birth,
    addresses,
)
