"""Auto-coding throughput: cue suggestion against tokenisation, and coding a large database.

Generates N Dutch contributions of about `--words` words from sentence
templates with slots (seeded, so every run codes the same texts), then, in one
process after a warm-up, times bare `nlp.pipe` tokenisation (the ceiling),
the current engine (cues and the model, the base model unless researchers
trained one) called the way `wijkstem analysis suggest` calls it, the cues
alone, and `analysis.services.code_pending` with its commit on a fresh SQLite
database holding the N texts as approved contributions. Prints figures to
stderr and one JSON object on the last line.

    .venv/bin/python bench/coding.py [--n 100000] [--words 80]
"""

import argparse
import collections
import json
import random
import string
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import coding, learning, nlp, services  # noqa: E402
from analysis.cli import SUGGEST_BATCH  # noqa: E402
from analysis.models import CodedSegment  # noqa: E402
from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Channel, Contribution, Status  # noqa: E402

CODE_TARGET_S = 120.0
RATIO_TARGET = 0.5
INSERT_CHUNK = 10_000

SLOTS = {
    "bewoner": (
        "mijn buurvrouw",
        "de man van drie hoog",
        "een moeder uit de portiek",
        "een oudere meneer uit de flat",
        "de familie naast ons",
        "een alleenstaande vader",
        "mevrouw van de benedenwoning",
        "een jonge moeder met drie kinderen",
        "de vrouw van nummer twaalf",
        "een vader uit de straat",
        "meneer Jansen",
    ),
    "prof": (
        "de wijkagent",
        "de jongerenwerker",
        "de wijkverpleegkundige",
        "de huismeester",
        "de buurtcoach",
        "de schuldhulpverlener",
        "de leerplichtambtenaar",
        "mijn collega van de corporatie",
        "de opbouwwerker",
        "de consulent van het wijkteam",
        "iemand van de gemeente",
        "de gebiedsmanager",
    ),
    "kind": ("haar zoon", "zijn dochter", "de oudste", "een jongen uit de straat", "het meisje"),
    "wijk": (
        "Overvecht",
        "Kanaleneiland",
        "Zuidwijk",
        "de Schilderswijk",
        "Malburgen",
        "het Oude Westen",
        "Hatert",
        "Selwerd",
    ),
    "plek": (
        "het buurthuis",
        "het plein achter de supermarkt",
        "de speeltuin",
        "de galerij",
        "het winkelcentrum",
        "de bibliotheek",
        "het bankje bij de bushalte",
        "de moskee",
    ),
    "dag": ("maandag", "dinsdagochtend", "woensdagmiddag", "donderdagavond", "vrijdag"),
    "maand": ("januari", "maart", "mei", "september", "november"),
    "maanden": ("drie", "vier", "zes", "negen", "twaalf"),
    "jaren": ("twee", "drie", "vijf", "acht", "tien"),
    "aantal": ("twee", "drie", "vijf", "zeven"),
    "taal": ("Arabisch", "Turks", "Pools", "Tigrinya", "Somalisch", "Papiaments"),
    "bedrag": ("800", "1.200", "2.500", "4.000"),
}
SLOTS |= {name.capitalize(): tuple(v[0].upper() + v[1:] for v in SLOTS[name]) for name in SLOTS}

TEMPLATES = (
    # Waiting lists and care
    "{Bewoner} staat al {maanden} maanden op de wachtlijst voor de ggz.",
    "Voor schuldhulp is de wachttijd in {wijk} inmiddels {maanden} maanden.",
    "Bij de jeugdzorg zit alles vol, dus {kind} kan nergens terecht.",
    "We verwijzen mensen door, en daarna horen we vaak niets meer.",
    "De huisarts zegt dat het nog even kan duren voordat er plek is.",
    "Zolang iemand op hulp wacht, lopen de problemen thuis gewoon door.",
    "{Prof} ziet dat mensen met psychische problemen tussen wal en schip vallen.",
    # Debts
    "{Bewoner} durfde pas na een jaar te vertellen over de schulden.",
    "De deurwaarder stond al twee keer op de stoep voordat iemand om hulp vroeg.",
    "Met een huurachterstand van {bedrag} euro zit je bij de corporatie snel in een traject.",
    "Het traject begint pas als alle papieren compleet zijn, en dat lukt veel mensen niet.",
    "Veel gezinnen in {wijk} komen niet rond en gaan elke week naar de voedselbank.",
    "Brieven van de Belastingdienst gaan ongeopend een la in.",
    "{Prof} zat drie avonden aan de keukentafel om de rekeningen op een rij te zetten.",
    # Youth
    "De jongerenwerker kent de jongens bij {plek} bij naam.",
    "'s Avonds hangen er groepjes jongeren rond bij {plek}, en {bewoner} vindt dat eng.",
    "Sinds het jongerencentrum dicht is, is er voor tieners niets te doen.",
    "Op het trapveld wordt op {dag} weer gevoetbald, met een straatcoach erbij.",
    "Een paar jongens worden benaderd om pakketjes rond te brengen voor wat geld.",
    "{Kind} van vijftien zit al maanden thuis en niemand van school belt nog.",
    "Met de sportvereniging hebben we {aantal} jongens aan een stage geholpen.",
    # Police and safety
    "De wijkagent loopt op {dag} een rondje door de buurt en maakt een praatje.",
    "Mensen doen geen aangifte meer, omdat ze denken dat het toch niets uitmaakt.",
    "Er wordt gedeald in het portiek en iedereen weet het.",
    "Onze wijkagent moet {aantal} wijken tegelijk doen en wordt steeds weggeroepen.",
    "Na de schietpartij vorig jaar laten ouders hun kinderen niet meer alleen naar buiten.",
    "Met de boa's is afgesproken dat ze vaker langs {plek} lopen.",
    "In het donker fietsen veel vrouwen liever om dan door het park.",
    # Housing
    "In de flat van {bewoner} zit al {jaren} jaar schimmel in de badkamer.",
    "De corporatie heeft de huismeester wegbezuinigd en nu weet niemand waar je heen moet.",
    "De lift is weer kapot, en voor ouderen op vier hoog is dat een ramp.",
    "Bij de renovatie hoorden bewoners pas achteraf wat er ging gebeuren.",
    "Het grofvuil blijft dagen naast de containers staan.",
    "Nieuwe huurders met urgentie krijgen een woning in dezelfde flats, zonder begeleiding.",
    "Het schilderwerk aan de galerij is al {jaren} keer uitgesteld.",
    "Wie het kan betalen, trekt weg uit {wijk} zodra er iets beters vrijkomt.",
    # Cooperation between organisations
    "Door korte lijnen met het wijkteam konden we binnen een week iets regelen.",
    "Iedere organisatie werkt vanuit een eigen koker en de bewoner zit ertussen.",
    "Bij het wijkoverleg op {dag} zitten de corporatie, de school en de politie aan één tafel.",
    "Niemand voelt zich verantwoordelijk, dus {bewoner} gaat van het kastje naar de muur.",
    "We kennen elkaar goed en bellen meteen als er iets speelt.",
    "Er komen {aantal} hulpverleners over de vloer bij één gezin, en ze weten niet van elkaar.",
    "Het helpt als één persoon de regie houdt over het hele gezin.",
    "{Prof} en ik drinken elke week koffie, dan horen we veel van elkaar.",
    # Trust
    "Bewoners hebben geen vertrouwen meer in de gemeente na alle loze beloftes.",
    "Ze komen alleen praten, en daarna gebeurt er niks.",
    "Toen {prof} echt terugbelde, was dat voor {bewoner} een keerpunt.",
    "Als je doet wat je zegt, groeit het vertrouwen langzaam.",
    "Na de toeslagenaffaire zijn veel ouders bang voor instanties.",
    "Het duurde maanden voordat {bewoner} de deur voor ons opendeed.",
    # Loneliness
    "{Bewoner} zit de hele dag alleen thuis en spreekt bijna niemand.",
    "Eenzaamheid bij ouderen zie je pas als je achter de voordeur komt.",
    "Bij de koffieochtend in {plek} komen elke week meer mensen.",
    "Sinds haar man is overleden, komt {bewoner} bijna de deur niet meer uit.",
    "Buren groeten elkaar niet meer, iedereen leeft langs elkaar heen.",
    # Language barriers
    "Veel moeders spreken alleen {taal}, waardoor de brieven van school niet aankomen.",
    "Door de taalbarrière snappen mensen niet wat er in hun beschikking staat.",
    "Een buurtmoeder die {taal} spreekt, vertaalt op het spreekuur.",
    "Op de taalles op {dag} leren nieuwkomers ook elkaar kennen.",
    "De formulieren zijn zo ingewikkeld dat zelfs {prof} ze soms niet snapt.",
    # Funding, projects, policy, room to act
    "Het project liep {jaren} jaar en toen was het geld op.",
    "Elk potje heeft zijn eigen voorwaarden en zijn eigen verantwoording.",
    "Na de verkiezingen kwam er een nieuwe wethouder met andere prioriteiten.",
    "We moeten alles registreren, terwijl die tijd beter naar bewoners kan gaan.",
    "Vanwege de privacy mogen we niks delen met de school.",
    "Je hebt een lange adem nodig: een wijk verander je niet in {jaren} jaar.",
    "Met een vrij budget kon {prof} gewoon doen wat nodig was.",
    "Bewoners hebben het plan voor {plek} zelf bedacht.",
    # Everyday detail, mostly without cues
    "Dat was op een {dag} in {maand}, het regende die dag flink.",
    "Ik woon hier nu {jaren} jaar, met mijn man en twee katten.",
    "Eerst wist ik niet goed wat ik ervan moest denken.",
    "Je merkt het aan kleine dingen, zoals wie er 's ochtends op het bankje zit.",
    "De markt op {dag} is voor veel mensen het moment om even bij te kletsen.",
    "Soms is een kleine oplossing genoeg, zoals een extra lantaarnpaal.",
    "Het gaat niet om grote woorden, maar om wat er morgen gebeurt.",
    "Ze had drie tassen boodschappen bij zich en de trap op was zwaar.",
    "Dat vertelde {bewoner} me toen we samen op de bus stonden te wachten.",
    "Iedereen hier kent het verhaal van de oude bakker op de hoek.",
    "Wat ik vooral wil zeggen: het kan echt anders.",
    "Toen ik hier kwam wonen, was de straat nog heel anders.",
    "Hij vertelde het rustig, maar je zag dat het hem raakte.",
    "We hebben het er die middag lang over gehad.",
    "Dat soort dingen hoor je pas als je er echt de tijd voor neemt.",
    "Mijn moeder woonde vroeger twee straten verderop.",
    "Achteraf gezien had het veel eerder opgepakt kunnen worden.",
    "Niemand weet precies hoe het zo gekomen is.",
    "In de zomer zitten mensen tot laat buiten op de stoep.",
    "Ze zei dat ze het gewoon even kwijt wilde.",
    "Je moet het zien om het te geloven.",
    "{Bewoner} stuurde me later nog een berichtje om te bedanken.",
    "Op {dag} was het druk bij de bushalte, zoals altijd.",
    "Ik snap wel dat mensen daar moe van worden.",
    "Het is een kwestie van lang volhouden en klein beginnen.",
    "De bus naar het ziekenhuis rijdt 's avonds maar één keer per uur.",
    "Bij de supermarkt op de hoek weten ze vaak eerder wat er speelt dan wij.",
)


def _slot_names(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


def generate(n: int, words: int, seed: int = 20261203) -> list[str]:
    """N texts: sentences drawn until the next one would overshoot `words` more than it helps."""
    rng = random.Random(seed)
    parsed = [(t, _slot_names(t)) for t in TEMPLATES]
    texts = []
    for _ in range(n):
        sentences, count = [], 0
        while True:
            template, names = rng.choice(parsed)
            sentence = template.format(**{name: rng.choice(SLOTS[name]) for name in names})
            length = len(sentence.split())
            if sentences and count + length / 2 > words:
                break
            sentences.append(sentence)
            count += length
        texts.append(" ".join(sentences))
    return texts


def timed(label: str, n: int, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s, {n / seconds:,.0f} texts/s", file=sys.stderr)
    return seconds


def in_batches(engine: coding.Engine, texts: list[str]) -> None:
    """As `wijkstem analysis suggest` does it: the lines waiting on stdin, up to 256 at a time."""
    for offset in range(0, len(texts), SUGGEST_BATCH):
        collections.deque(engine.suggest(texts[offset : offset + SUGGEST_BATCH]), maxlen=0)


def measure_nlp(texts: list[str]) -> dict[str, float]:
    start = time.perf_counter()
    pipeline = nlp.pipeline("nl")
    engine = learning.current_engine()
    cues_only = learning.current_engine(with_model=False)
    db.session.commit()
    in_batches(engine, texts[:300])  # warm up: builds the matcher and loads the model once
    in_batches(cues_only, texts[:300])
    print(
        f"warm-up (pipeline, matcher, model): {time.perf_counter() - start:.1f} s", file=sys.stderr
    )
    drain = collections.deque(maxlen=0).extend
    n = len(texts)
    return {
        "tokenize_s": timed(
            "tokenize", n, lambda: drain(pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE))
        ),
        "suggest_s": timed(
            f"suggest with cues and model {engine.model_number or 'base'}",
            n,
            lambda: in_batches(engine, texts),
        ),
        "cues_only_s": timed("suggest with cues only", n, lambda: in_batches(cues_only, texts)),
    }


def insert_contributions(texts: list[str]) -> None:
    """Approved resident stories and dialogue contributions, alternately, by Core bulk insert."""
    channels = (Channel.INTAKE, Channel.DIALOGUE)
    for offset in range(0, len(texts), INSERT_CHUNK):
        rows = [
            {"channel": channels[i % 2], "body": text, "language": "nl", "status": Status.APPROVED}
            for i, text in enumerate(texts[offset : offset + INSERT_CHUNK], start=offset)
        ]
        db.session.execute(insert(Contribution.__table__), rows)
    db.session.commit()


def bench_app(folder: str):
    """A fresh SQLite database; models come from the project's instance folder, trained once."""
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3", "SECRET_KEY": "x"}
    )


def run_code(texts: list[str]) -> dict[str, float]:
    start = time.perf_counter()
    insert_contributions(texts)
    print(f"insert {len(texts):,}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    # The `code` command loads the uncoded contributions once more for its progress bar.
    start = time.perf_counter()
    engine = learning.current_engine()
    db.session.commit()
    loaded = len(services.uncoded(engine.codebook_number, engine.model_number))
    load_s = time.perf_counter() - start
    print(f"load {loaded:,} uncoded contributions: {load_s:.1f} s", file=sys.stderr)
    db.session.rollback()
    db.session.expunge_all()
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] % 20_000 < count:
            print(f"  coded {done[0]:,}: {time.perf_counter() - start:.1f} s", file=sys.stderr)

    start = time.perf_counter()
    coded = services.code_pending(None, progress=progress, commit=db.session.commit)
    flushed_s = time.perf_counter() - start
    db.session.commit()
    code_s = time.perf_counter() - start
    segments = db.session.scalar(select(func.count()).select_from(CodedSegment))
    print(
        f"code_pending {coded:,}: {flushed_s:.1f} s, commit {code_s - flushed_s:.1f} s, "
        f"{segments:,} segments ({segments / max(coded, 1):.1f} per text)",
        file=sys.stderr,
    )
    return {"code_s": code_s, "load_s": load_s, "segments": segments}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="contributions (default 100,000)")
    parser.add_argument("--words", type=int, default=80, help="words per text (default 80)")
    args = parser.parse_args()
    start = time.perf_counter()
    texts = generate(args.n, args.words)
    mean_words = sum(len(t.split()) for t in texts) / len(texts)
    print(
        f"{args.n:,} texts from {len(TEMPLATES)} templates, mean {mean_words:.1f} words, "
        f"{len(set(texts)):,} distinct: {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(folder)
        with app.app_context():
            db.create_all()
            times = measure_nlp(texts)
            code = run_code(texts)
            db.engine.dispose()
    n = args.n
    tokenize_per_s, suggest_per_s = n / times["tokenize_s"], n / times["suggest_s"]
    ratio = suggest_per_s / tokenize_per_s
    cues_ratio = times["tokenize_s"] / times["cues_only_s"]
    code_100k_s = code["code_s"] * 100_000 / n
    scaled = "" if n == 100_000 else f" (measured {code['code_s']:.1f} s on {n:,}, scaled)"
    print(
        f"\n{n:,} texts, mean {mean_words:.1f} words\n"
        f"tokenize (nlp.pipe):              {tokenize_per_s:8,.0f} texts/s\n"
        f"suggest as the CLI calls it:      {suggest_per_s:8,.0f} texts/s  ratio {ratio:.2f}"
        f"  >={RATIO_TARGET} {verdict(ratio >= RATIO_TARGET)}\n"
        f"suggest with cues only:           {n / times['cues_only_s']:8,.0f} texts/s"
        f"  ratio {cues_ratio:.2f}\n"
        f"code 100,000 with SQLite:         {code_100k_s:8.1f} s{scaled}"
        f"  <={CODE_TARGET_S:.0f} s {verdict(code_100k_s <= CODE_TARGET_S)}\n"
        f"  loading the uncoded contributions (done twice by the CLI): {code['load_s']:.1f} s\n",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "code_100k_s": round(code_100k_s, 1),
                "suggest_per_s": round(suggest_per_s),
                "tokenize_per_s": round(tokenize_per_s),
                "suggest_ratio": round(ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
