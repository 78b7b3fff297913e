"""Intake stories under load: many tablets posting with retries to gunicorn on loopback.

Migrates a fresh SQLite database with the `wijkstem` CLI, creates one
facilitator and one intake session in it, serves it with gunicorn on a free
127.0.0.1 port, and lets N concurrent clients (threads, stdlib http.client)
log in (as many at a time as there are workers) and then, all at once, post
their stories as JSON to the story API with random resends of the same
`client_uuid`: 20 % resend right after the answer, 10 % lose the answer (the
connection is closed unread) and send again. About a third of the stories
carry a phone number or an e-mail address, so screening redacts. Then the same
clients GET /healthz as often, a baseline from the same run. Afterwards the
database is read directly: every acknowledged story must be stored exactly
once, no row may be stored that was never sent, and no stored body may contain
a phone number or e-mail address that was sent. Prints progress to stderr and
one JSON object on the last line.

    .venv/bin/python bench/intake.py [--workers 4] [--clients 50] [--stories 20]
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
EMAIL = "facilitator@bench.test"
PASSWORD = "bench password, long enough"  # noqa: S105 - a throwaway database
SECRET = "bench-intake-secret"  # noqa: S105 - a throwaway database
REQUEST_TIMEOUT_S = 10
RESEND_AFTER_ANSWER = 0.2  # the same story again, right after its answer
LOSE_ANSWER = 0.1  # send, close the connection unread, send again
PII_SHARE = 1 / 3
EXTRA_TRIES = 3  # further sends of a story no answer acknowledged (5xx, timeout)

SENTENCES = [
    "Ik woon hier nu een jaar of twaalf en ik zie de buurt langzaam veranderen.",
    "Het speeltuintje achter de flat is eindelijk opgeknapt, daar zijn we blij mee.",
    "Maar 's avonds hangen er jongeren rond en dan durf ik er niet meer langs.",
    "De straatverlichting op het pad naar de bushalte doet het al maanden niet.",
    "Ik heb het twee keer gemeld bij de gemeente, maar er gebeurt niets.",
    "Mijn buurvrouw is tachtig en komt bijna niet meer buiten sinds haar val.",
    "Het buurthuis is nog maar twee ochtenden per week open, dat is echt te weinig.",
    "Vroeger dronken we daar koffie en speelden we samen een spelletje.",
    "De huren gaan elk jaar omhoog, terwijl er aan het onderhoud weinig gebeurt.",
    "In onze portiek lekt het dak al sinds de winter en er zit schimmel op de muur.",
    "De woningcorporatie zegt steeds dat het op de planning staat.",
    "Ik maak me zorgen om mijn zoon, hij zit veel thuis en heeft weinig vrienden.",
    "Op school gaat het niet goed en we wachten al maanden op hulp.",
    "De wijkagent kennen we niet, die hebben we hier nog nooit gezien.",
    "Er wordt hard gereden in de straat, ook langs de school op de hoek.",
    "Een paar drempels of een zebrapad zou al veel helpen.",
    "Het afval naast de containers ligt er soms een hele week.",
    "Dan komen de ratten en de meeuwen, en dat is voor niemand prettig.",
    "Wat goed gaat, is de moestuin die een paar bewoners zijn begonnen.",
    "Daar ontmoet je mensen die je anders nooit zou spreken.",
    "Ik zou graag willen dat er meer te doen is voor ouderen overdag.",
    "Ook een plek waar jongeren na school terecht kunnen zou helpen.",
    "Mijn man werkt in de nacht en overdag is het hier vaak erg lawaaierig.",
    "De huisarts heeft een wachtlijst, nieuwe patienten worden niet aangenomen.",
    "Met de bus ben je bijna een uur onderweg naar het ziekenhuis.",
    "De supermarkt in het winkelcentrum is dicht en nu moeten we verder lopen.",
    "Voor mensen met een rollator is dat eigenlijk niet te doen.",
    "Ik voel me hier wel thuis, de meeste buren groeten elkaar gewoon.",
    "Toch merk je dat mensen korter blijven en weer vertrekken.",
    "Als er iets georganiseerd wordt, hoor ik het vaak pas achteraf.",
    "Een briefje in de bus of een bord bij de ingang zou al schelen.",
    "Mijn dochter zoekt al drie jaar een woning en staat nog steeds ingeschreven.",
    "Zonder vervoer kom je hier moeilijk aan werk, zeker in de avond.",
    "Ik heb het gevoel dat er over ons wordt beslist en niet met ons.",
]
PII_SENTENCES = [
    "Als u meer wilt weten, mag u mij bellen op {phone}.",
    "Mijn nummer is {phone}, daar ben ik overdag meestal bereikbaar.",
    "U kunt mij mailen op {email} als er nieuws is.",
    "Stuur de uitnodiging maar naar {email}, dan kom ik zeker.",
    "Bel gerust naar {phone} of mail naar {email}.",
]
FIRST_NAMES = ["anouk", "mohamed", "fatima", "joost", "ingrid", "kevin", "sanne", "ahmet", "els"]
LAST_NAMES = ["jansen", "devries", "bakker", "elamrani", "yilmaz", "visser", "smit", "peters"]
DOMAINS = ["gmail.com", "hotmail.nl", "ziggo.nl", "kpnmail.nl", "buurthuis-oost.nl"]
AGE_BANDS = ["18-24", "25-44", "45-64", "65+"]


def phone(rng: random.Random) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return rng.choice(
        [
            f"06-{digits}",
            f"06 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
            f"+31 6 {digits}",
            f"020 {digits[1:4]} {digits[4:]}",
        ]
    )


def email(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}{rng.randrange(10, 10_000)}"
    return f"{name}@{rng.choice(DOMAINS)}"


def make_story(rng: random.Random) -> tuple[str, list[str]]:
    """Dutch text of 60-120 words; about a third with a phone number or e-mail address."""
    target = rng.randrange(60, 121)
    pii: list[str] = []
    parts: list[str] = []
    if rng.random() < PII_SHARE:
        values = {"phone": phone(rng), "email": email(rng)}
        template = rng.choice(PII_SENTENCES)
        pii = [value for key, value in values.items() if "{" + key + "}" in template]
        parts.append(template.format(**values))
    words = sum(len(p.split()) for p in parts)
    for sentence in rng.sample(SENTENCES, len(SENTENCES)):
        n = len(sentence.split())
        if words + n > target and words >= 60:
            break
        parts.insert(rng.randrange(len(parts) + 1), sentence)
        words += n
    return " ".join(parts), pii


class RunOver(Exception):
    """The run's time limit has passed: no further requests."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the server -------------------------------------------------------------------------------


def prepare_database(env: dict, url: str) -> int:
    """Migrate with the CLI, then add a facilitator and an intake session; return its id."""
    subprocess.run([BIN / "wijkstem", "db", "upgrade"], env=env, check=True, capture_output=True)
    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from app.models import Area
    from dialogues import intake

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        facilitator = accounts.create_user(EMAIL, PASSWORD, "facilitator")
        area = Area(municipality="Utrecht", name="Utrecht Overvecht")
        db.session.add(area)
        db.session.flush()
        session = intake.create_intake_session(
            facilitator, "Buurthuis De Linde", area, date(2026, 11, 23), pin="1357"
        )
        db.session.commit()
        session_id = session.id
        db.session.remove()
        db.engine.dispose()
    return session_id


def start_server(env: dict, workers: int, log_path: Path) -> tuple[subprocess.Popen, str, object]:
    port = free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [BIN / "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "app:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            sys.exit(f"gunicorn stopped during start-up; see {log_path}")
        try:
            status, _, _ = request(port, "GET", "/healthz", timeout=2)
            if status == 200:
                return process, url, log
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    log.close()
    sys.exit("gunicorn did not become healthy within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- the clients ------------------------------------------------------------------------------


def request(port, method, path, *, body=None, headers=None, timeout=REQUEST_TIMEOUT_S, read=True):
    """One request on its own connection (gunicorn's sync workers close it anyway)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        if not read:
            return None, None, b""
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


@dataclass
class Sent:
    client_uuid: str
    pii: list[str]
    acknowledged: bool = False


@dataclass
class Client:
    index: int
    port: int
    session_id: int
    stories: int
    deadline: float
    rng: random.Random
    cookies: dict = field(default_factory=dict)
    csrf: str = ""
    sent: list[Sent] = field(default_factory=list)
    # (start, end) of each answered request by kind; the first story POST, answered or not.
    spans: defaultdict = field(default_factory=lambda: defaultdict(list))
    first_post: float | None = None
    statuses: Counter = field(default_factory=Counter)  # "story 201", "login 302", ...
    errors: Counter = field(default_factory=Counter)
    retries: int = 0
    story_requests: int = 0  # sent, answered or not
    mismatched: int = 0
    login_s: float | None = None

    def call(self, kind, method, path, body=None, headers=None, read=True):
        if time.monotonic() > self.deadline:
            raise RunOver()
        if kind == "story":
            self.story_requests += 1
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        if kind == "story" and self.first_post is None:
            self.first_post = start
        try:
            status, msg, data = request(
                self.port, method, path, body=body, headers=headers, read=read
            )
        except OSError as error:
            self.errors[f"{kind} {type(error).__name__}"] += 1
            raise
        end = time.perf_counter()
        if not read:
            return None, b""
        self.statuses[f"{kind} {status}"] += 1
        for header in msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        self.spans[kind].append((start, end))
        return status, data

    def baseline(self, n: int) -> None:
        """GET /healthz n times: a bare route that also takes the SQLite write lock."""
        for _ in range(n):
            try:
                self.call("healthz", "GET", "/healthz")
            except OSError:
                continue  # counted in self.errors
            except RunOver:
                break

    def log_in(self) -> bool:
        start = time.perf_counter()
        status, page = self.call("login-page", "GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if status != 200 or token is None:
            return False
        form = urllib.parse.urlencode(
            {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1).decode()}
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _ = self.call("login", "POST", "/login", form.encode(), headers)
        if status != 302:
            return False
        status, page = self.call("dashboard", "GET", "/dashboard")
        meta = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page)
        if status != 200 or meta is None:
            return False
        self.csrf = meta.group(1).decode()
        self.login_s = time.perf_counter() - start
        return True

    def post(self, story: dict, read: bool = True) -> int | None:
        """POST the story; return the status, or None when no answer came (or was wanted)."""
        path = f"/api/v1/intake-sessions/{self.session_id}/stories"
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        body = json.dumps(story).encode()
        try:
            status, data = self.call("story", "POST", path, body, headers, read)
        except OSError:
            return None
        if status in (200, 201):
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            if answer.get("client_uuid") != story["client_uuid"]:
                self.mismatched += 1
        return status

    def post_all(self) -> None:
        for _ in range(self.stories):
            text, pii = make_story(self.rng)
            sent = Sent(str(uuid.uuid4()), pii)
            self.sent.append(sent)
            story = {
                "client_uuid": sent.client_uuid,
                "text": text,
                "language": "nl",
                "consent": True,
                "attributes": {"age_band": self.rng.choice(AGE_BANDS)},
            }
            roll = self.rng.random()
            sends = 0
            if roll < LOSE_ANSWER:
                self.post(story, read=False)  # the answer is lost: the tablet never hears it
                sends += 1
            statuses = [self.post(story)]
            sends += 1
            if LOSE_ANSWER <= roll < LOSE_ANSWER + RESEND_AFTER_ANSWER:
                statuses.append(self.post(story))
                sends += 1
            tries = 0
            while not {200, 201} & set(statuses) and tries < EXTRA_TRIES:
                if time.monotonic() > self.deadline:
                    break
                time.sleep(0.05 * 2**tries)
                statuses.append(self.post(story))
                sends += 1
                tries += 1
            sent.acknowledged = bool({200, 201} & set(statuses))
            self.retries += sends - 1


def server_cpu_s(pid: int) -> float:
    """CPU time used so far by gunicorn's master and its live workers (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def run_clients(
    server_pid, port, session_id, workers, clients, stories, deadline, seed
) -> tuple[list[Client], float, dict]:
    """Log every client in, let them all post at once, then all GET the baseline route.

    Returns the clients, the login time, and the CPU seconds the clients (this process)
    and the server used while the stories were posted.
    """
    everyone = [
        Client(i, port, session_id, stories, deadline, random.Random(seed + i))
        for i in range(clients)
    ]
    logged_in, posted = threading.Barrier(clients + 1), threading.Barrier(clients + 1)
    # A login verifies an argon2 hash (about 0.17 s of CPU) inside the SQLite write
    # transaction, so logins run one at a time: all 50 at once leave some waiting past the
    # request timeout. Log in as many at a time as there are workers, and try twice.
    logging_in = threading.Semaphore(workers)
    ready: list[bool] = [False] * clients

    def meet(barrier: threading.Barrier) -> bool:
        try:
            barrier.wait(timeout=max(1.0, deadline - time.monotonic()))
        except threading.BrokenBarrierError:
            return False
        return True

    def work(client: Client) -> None:
        for _ in range(2):
            try:
                with logging_in:
                    ready[client.index] = client.log_in()
            except (OSError, RunOver):
                pass  # counted in client.errors
            except Exception as error:  # noqa: BLE001 - the client still has to reach the barrier
                client.errors[f"login {type(error).__name__}"] += 1
            if ready[client.index]:
                break
        if not meet(logged_in):
            return
        if ready[client.index]:
            try:
                client.post_all()
            except RunOver:
                client.errors["run time limit"] += 1
        if meet(posted) and ready[client.index]:
            client.baseline(stories)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in everyone]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    if not meet(logged_in):
        print("not every client logged in within the time limit", file=sys.stderr)
    login_s = time.perf_counter() - start
    print(f"login: {sum(ready)}/{clients} clients in {login_s:.2f} s", file=sys.stderr)
    cpu = time.process_time(), server_cpu_s(server_pid)
    meet(posted)
    used = {
        "client_cpu_s": round(time.process_time() - cpu[0], 2),
        "server_cpu_s": round(server_cpu_s(server_pid) - cpu[1], 2),
    }
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        print("some clients were still busy at the run's time limit", file=sys.stderr)
    return everyone, login_s, used


def window_s(spans: list[tuple[float, float]], first: float | None = None) -> float | None:
    """From the first request (or `first`) to the last answer."""
    if not spans:
        return None
    return max(e for _, e in spans) - min([s for s, _ in spans] + [first or spans[0][0]])


# --- the check --------------------------------------------------------------------------------


def check(database: Path, sent: list[Sent]) -> dict:
    """Compare what the clients sent with every row of the fresh database."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT client_uuid, body FROM contribution").fetchall()
    stored = Counter(uuid_ for uuid_, _ in rows)
    by_uuid = {s.client_uuid: s for s in sent}
    acknowledged = [s for s in sent if s.acknowledged]
    pii = {s.client_uuid: s.pii for s in sent}
    raw = sum(1 for uuid_, body in rows if any(p in body for p in pii.get(uuid_, ())))
    redacted = sum(1 for _, body in rows if "[telefoonnummer]" in body or "[e-mail]" in body)
    return {
        "stored": len(rows),
        "lost": sum(1 for s in acknowledged if stored[s.client_uuid] == 0),
        "stored_twice": sum(1 for n in stored.values() if n > 1),
        "stored_unsent": sum(n for uuid_, n in stored.items() if uuid_ not in by_uuid),
        "stored_unacknowledged": sum(
            1 for s in sent if not s.acknowledged and stored[s.client_uuid]
        ),
        "with_pii_sent": sum(1 for s in sent if s.pii),
        "redacted_stored": redacted,
        "raw_pii_stored": raw,
    }


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--stories", type=int, default=20, help="stories per client (default 20)")
    parser.add_argument("--time-limit", type=float, default=300, help="whole run, s (default 300)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    deadline = time.monotonic() + args.time_limit

    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "intake.sqlite3"
        url = f"sqlite:///{database}"
        env = {
            **os.environ,
            "WIJKSTEM_DATABASE_URL": url,
            "WIJKSTEM_SECRET_KEY": SECRET,
            "WIJKSTEM_SESSION_COOKIE_SECURE": "false",
        }
        session_id = prepare_database(env, url)
        process, server_url, log = start_server(env, args.workers, Path(tmp) / "server.log")
        print(f"gunicorn -w {args.workers} on {server_url}", file=sys.stderr)
        try:
            port = int(server_url.rsplit(":", 1)[1])
            clients, login_s, cpu = run_clients(
                process.pid,
                port,
                session_id,
                args.workers,
                args.clients,
                args.stories,
                deadline,
                args.seed,
            )
        finally:
            stop_server(process)
            log.close()
        server_log = (Path(tmp) / "server.log").read_text(errors="replace")
        sent = [s for c in clients for s in c.sent]
        figures = check(database, sent)

    stories_spans = [x for c in clients for x in c.spans["story"]]
    latencies = [e - s for s, e in stories_spans]
    first_post = min((c.first_post for c in clients if c.first_post is not None), default=None)
    posting_s = window_s(stories_spans, first_post)
    healthz_spans = [x for c in clients for x in c.spans["healthz"]]
    healthz_s = window_s(healthz_spans)
    story_requests = sum(c.story_requests for c in clients)
    acknowledged = sum(1 for s in sent if s.acknowledged)
    statuses = sum((c.statuses for c in clients), Counter())
    errors = sum((c.errors for c in clients), Counter())
    failed = sum(n for k, n in statuses.items() if not k.endswith((" 200", " 201", " 302")))
    tracebacks = server_log.count("Traceback")
    print(f"statuses: {dict(sorted(statuses.items()))}", file=sys.stderr)
    print(f"transport errors: {dict(errors) or 'none'}", file=sys.stderr)
    print(f"server log: {tracebacks} tracebacks, {len(server_log)} characters", file=sys.stderr)
    if tracebacks:
        print(server_log[-2000:], file=sys.stderr)
    print(
        f"posting: {acknowledged}/{len(sent)} acknowledged in {posting_s or 0:.2f} s",
        file=sys.stderr,
    )
    print(f"check: {figures}", file=sys.stderr)
    p95 = percentile(latencies, 0.95)
    p50 = percentile(latencies, 0.50)
    result = {
        "machine_cores": os.cpu_count(),
        "workers": args.workers,
        "clients": args.clients,
        "stories": args.clients * args.stories,
        "acknowledged": acknowledged,
        "story_requests": story_requests,
        "retries_sent": sum(c.retries for c in clients),
        "errors": failed + sum(errors.values()),
        "login_s": round(login_s, 2),
        "posting_s": None if posting_s is None else round(posting_s, 2),
        "stories_per_s": round(acknowledged / posting_s, 1) if posting_s else None,
        "p50_ms": None if p50 is None else round(p50 * 1000, 1),
        "p95_ms": None if p95 is None else round(p95 * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        # Baseline in the same run: a bare route (SELECT 1 under the write lock), same clients.
        "healthz_per_s": round(len(healthz_spans) / healthz_s, 1) if healthz_s else None,
        "posts_vs_healthz": (
            round(story_requests / posting_s / (len(healthz_spans) / healthz_s), 2)
            if posting_s and healthz_s
            else None
        ),
        **cpu,
        "lost": figures["lost"],
        "duplicated": figures["stored_twice"] + figures["stored_unsent"],
        "stored": figures["stored"],
        "with_pii_sent": figures["with_pii_sent"],
        "raw_pii_stored": figures["raw_pii_stored"],
        "answer_mismatches": sum(c.mismatched for c in clients),
    }
    print(json.dumps(result))
    if result["lost"] or result["duplicated"] or result["raw_pii_stored"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
