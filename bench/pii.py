"""How well screening finds personal data in resident stories, and how fast.

Reads hand-marked stories (bench/data/pii_stories.txt: `[[label:text]]` marks,
one story per blank-line-separated block, `# lang: en` on a block's first line
for English), screens each with `moderation.screening.screen` and scores the
findings per label against the marks. Then times repeated passes in this one
process (one core). If ../shared/data/europeana-ner-nl/enp_NL.kb.bio is there,
also screens the last 20 % of its tokens (historical Dutch newspaper text with
PER/LOC/ORG tags) for recall of person names on text nobody wrote for this
benchmark. Figures go to stderr, one JSON object to the last line of stdout.

    .venv/bin/python bench/pii.py [--verbose] [--seconds 5]
"""

import argparse
import difflib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data" / "pii_stories.txt"
EUROPEANA = ROOT.parent / "shared" / "data" / "europeana-ner-nl" / "enp_NL.kb.bio"

from moderation import screening  # noqa: E402

RECALL_TARGET = 0.97
RECALL_TARGET_LABELS = ("name", "address", "phone", "email", "postcode", "iban", "bsn")
PRECISION_TARGET = 0.85
SPEED_TARGET = 300
EUROPEANA_RECALL_TARGET, EUROPEANA_OTHER_TARGET = 0.90, 0.03
EUROPEANA_HELD_OUT = 0.2  # the last fifth; the rest may be used for training
CHUNK_TOKENS = 60

Span = tuple[int, int, str]
_MARK_RE = re.compile(r"\[\[([^:\[\]]*):([^\[\]]*)\]\]")
_LANG_RE = re.compile(r"#\s*lang:\s*(\w+)\s*$")
_NO_SPACE_BEFORE = re.compile(r"[.,;:!?)\]}»”’%]+")


@dataclass
class Story:
    number: int
    line: int
    language: str
    text: str
    gold: list[Span]


@dataclass
class Tally:
    gold: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    strict: Counter = field(default_factory=Counter)
    findings: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    confusions: Counter = field(default_factory=Counter)
    other_words: int = 0
    other_redacted: int = 0
    changed_texts: int = 0
    misses: list = field(default_factory=list)
    partial: list = field(default_factory=list)
    false_positives: list = field(default_factory=list)


def read_stories(path: Path) -> list[Story]:
    """Every story block of the file; malformed markup stops the run with its line."""
    stories, block, first = [], [], 0
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            first = first if block else number
            block.append(line)
        elif block:
            if story := _story(block, f"{path.name}:{first}", len(stories) + 1, first):
                stories.append(story)
            block = []
    return stories


def _story(block: list[str], where: str, number: int, line: int) -> Story | None:
    language = "nl"
    while block and block[0].startswith("#"):
        if lang := _LANG_RE.match(block.pop(0)):
            language = lang.group(1)
    if not block:
        return None
    text, gold = unmark("\n".join(block), where)
    return Story(number, line, language, text, gold)


def unmark(marked: str, where: str) -> tuple[str, list[Span]]:
    """The text without its marks, and the marks as (start, end, label) in that text."""
    parts, gold, position = [], [], 0
    for match in [*_MARK_RE.finditer(marked), None]:
        plain = marked[position : match.start() if match else len(marked)]
        if "[[" in plain or "]]" in plain:
            sys.exit(f"{where}: malformed mark near {plain[-40:]!r}")
        parts.append(plain)
        if match is None:
            break
        label, value = match.groups()
        if label not in screening.LABELS or not value.strip() or value != value.strip():
            sys.exit(f"{where}: bad mark {match.group()!r} (labels: {', '.join(screening.LABELS)})")
        start = sum(map(len, parts))
        gold.append((start, start + len(value), label))
        parts.append(value)
        position = match.end()
    return "".join(parts), gold


def aligner(text: str, cleaned: str) -> list[int]:
    """For each offset in `text`, the offset in `cleaned` (screening may change the text)."""
    places = [0] * (len(text) + 1)
    matcher = difflib.SequenceMatcher(None, text, cleaned, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for i in range(i1, i2 + 1):
            places[i] = j1 + (i - i1) if tag == "equal" else (j1 if i == i1 else j2)
    return places


def overlaps(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_story(story: Story, tally: Tally) -> None:
    result = screening.screen(story.text, story.language)
    gold, cleaned = story.gold, result.cleaned
    if cleaned != story.text:
        tally.changed_texts += 1
        places = aligner(story.text, cleaned)
        gold = [(places[s], places[e], label) for s, e, label in gold]
    found = [(f.start, f.end, f.label) for f in result.findings]
    for span in gold:
        same = [f for f in found if f[2] == span[2] and overlaps(f, span)]
        tally.gold[span[2]] += 1
        tally.found[span[2]] += bool(same)
        tally.strict[span[2]] += any(f[0] <= span[0] and f[1] >= span[1] for f in same)
        if not same:
            tally.misses.append((story, cleaned, span, [f for f in found if overlaps(f, span)]))
        elif not any(f[0] <= span[0] and f[1] >= span[1] for f in same):
            tally.partial.append((story, cleaned, span, same))
    for finding in found:
        tally.findings[finding[2]] += 1
        hits = [g for g in gold if overlaps(g, finding)]
        right = any(g[2] == finding[2] for g in hits)
        tally.correct[finding[2]] += right
        tally.confusions.update((g[2], finding[2]) for g in hits if g[2] != finding[2])
        if not right:
            tally.false_positives.append((story, cleaned, finding, hits))
    _count_other_words(cleaned, gold, found, tally)


def _count_other_words(cleaned: str, gold: list[Span], found: list[Span], tally: Tally) -> None:
    for word in re.finditer(r"\S+", cleaned):
        if not any(overlaps(word.span(), g) for g in gold):
            tally.other_words += 1
            tally.other_redacted += any(overlaps(word.span(), f) for f in found)


def ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def table(rows: list[list], header: list[str]) -> str:
    """Columns padded to their widest cell; the first left-aligned, the rest right-aligned."""
    cells = [header] + [["-" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        padded = [row[0].ljust(widths[0])]
        padded += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(padded))
    return "\n".join(lines)


def report_stories(stories: list[Story], tally: Tally) -> None:
    rows = []
    for label in screening.LABELS:
        recall_target = RECALL_TARGET if label in RECALL_TARGET_LABELS else None
        recall, precision = (
            ratio(tally.found[label], tally.gold[label]),
            ratio(tally.correct[label], tally.findings[label]),
        )
        rows.append(
            [
                label,
                tally.gold[label],
                tally.found[label],
                recall,
                ratio(tally.strict[label], tally.gold[label]),
                _mark(recall, recall_target),
                tally.findings[label],
                tally.correct[label],
                precision,
                _mark(precision, PRECISION_TARGET),
            ]
        )
    total = [sum(t.values()) for t in (tally.gold, tally.found, tally.strict)]
    findings, correct = sum(tally.findings.values()), sum(tally.correct.values())
    rows.append(
        [
            "all",
            total[0],
            total[1],
            ratio(total[1], total[0]),
            ratio(total[2], total[0]),
            "",
            findings,
            correct,
            ratio(correct, findings),
            "",
        ]
    )
    header = ["label", "gold", "found", "recall", "strict", "target", "findings", "right"]
    say(
        f"\n{len(stories)} stories ({sum(s.language == 'en' for s in stories)} English), "
        f"{sum(not s.gold for s in stories)} without personal data"
    )
    say(table(rows, [*header, "precision", "target"]))
    confusions = ", ".join(f"{g} found as {f}: {n}" for (g, f), n in tally.confusions.most_common())
    say(f"confusions (a finding over a mark of another label): {confusions or 'none'}")
    say(
        f"other words redacted: {tally.other_redacted} of {tally.other_words} "
        f"({ratio(tally.other_redacted, tally.other_words)})"
    )
    if tally.changed_texts:
        say(f"screening changed the text of {tally.changed_texts} stories: marks were realigned")


def _mark(value: float | None, target: float | None) -> str:
    if target is None or value is None:
        return ""
    return f">={target} {'ok' if value >= target else 'MISSED'}"


def context(text: str, span: tuple, width: int = 40) -> str:
    start, end = span[0], span[1]
    before = text[max(0, start - width) : start].replace("\n", " ")
    after = text[end : end + width].replace("\n", " ")
    return f"...{before}>>{text[start:end]}<<{after}..."


def report_examples(tally: Tally) -> None:
    say("\nMISSES (marked, not found with that label):")
    for story, text, span, others in tally.misses:
        what = (
            "; found as " + ", ".join(f"{o[2]} {text[o[0] : o[1]]!r}" for o in others)
            if others
            else ""
        )
        say(
            f"  #{story.number} {span[2]}: {text[span[0] : span[1]]!r}{what}  {context(text, span)}"
        )
    say("\nPARTIAL (found, but not the whole mark):")
    for story, text, span, same in tally.partial:
        got = ", ".join(repr(text[f[0] : f[1]]) for f in same)
        say(f"  #{story.number} {span[2]}: {text[span[0] : span[1]]!r} got {got}")
    say("\nFALSE POSITIVES (a finding over no mark of its label):")
    for story, text, finding, hits in tally.false_positives:
        over = "; over " + ", ".join(f"{g[2]} {text[g[0] : g[1]]!r}" for g in hits) if hits else ""
        say(
            f"  #{story.number} {finding[2]}: {text[finding[0] : finding[1]]!r}{over}  "
            f"{context(text, finding)}"
        )


def throughput(stories: list[Story], seconds: float) -> tuple[float, float]:
    """Stories and characters per second over repeated passes, after a warm-up pass."""
    for story in stories:
        screening.screen(story.text, story.language)
    passes, start, elapsed = 0, time.perf_counter(), 0.0
    while elapsed < seconds:
        for story in stories:
            screening.screen(story.text, story.language)
        passes += 1
        elapsed = time.perf_counter() - start
    chars = sum(len(story.text) for story in stories)
    return passes * len(stories) / elapsed, passes * chars / elapsed


def europeana_chunks(path: Path) -> list[list[tuple[str, str]]]:
    """The held-out tail as chunks of about CHUNK_TOKENS (token, tag), never cutting an entity."""
    rows = [line.rsplit(None, 1) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if len(row) == 2]
    chunks, chunk = [], []
    for token, tag in rows[int(len(rows) * (1 - EUROPEANA_HELD_OUT)) :]:
        if len(chunk) >= CHUNK_TOKENS and not tag.startswith("I-"):
            chunks.append(chunk)
            chunk = []
        chunk.append((token, tag))
    return chunks + [chunk] if chunk else chunks


def join_tokens(chunk: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Tokens joined by spaces, none before punctuation; also where each token ended up."""
    text, spans = "", []
    for token, _ in chunk:
        if text and not _NO_SPACE_BEFORE.fullmatch(token):
            text += " "
        spans.append((len(text), len(text) + len(token)))
        text += token
    return text, spans


def person_entities(chunk: list[tuple[str, str]]) -> list[list[int]]:
    """Token indexes of each PER entity: a run of PER tokens, split after a comma or semicolon.

    The file often tags every token of one name B-PER ("Keizer Napoleon I",
    "J. H. van Lierop"), so a B-PER right after a PER token continues the
    entity unless that token ends a list item ("Putte, Cremers, Blanken").
    """
    entities, previous = [], ("", "O")
    for index, (token, tag) in enumerate(chunk):
        if tag.endswith("PER"):
            continues = previous[1].endswith("PER") and not previous[0].endswith((",", ";"))
            if continues:
                entities[-1].append(index)
            else:
                entities.append([index])
        previous = (token, tag)
    return entities


def europeana(path: Path, verbose: bool) -> dict:
    counts, labels, missed, redacted = Counter(), Counter(), [], []
    for chunk in europeana_chunks(path):
        text, spans = join_tokens(chunk)
        result = screening.screen(text, "nl")
        places = aligner(text, result.cleaned) if result.cleaned != text else None
        spans = [(places[s], places[e]) for s, e in spans] if places else spans
        found = [(f.start, f.end, f.label) for f in result.findings]
        entities = person_entities(chunk)
        in_person = {i for entity in entities for i in entity}
        for entity in entities:
            span = (spans[entity[0]][0], spans[entity[-1]][1])
            counts["per"] += 1
            if any(f[2] == screening.NAME and overlaps(f, span) for f in found):
                counts["per_found"] += 1
            else:
                missed.append(context(result.cleaned, span))
        for index, span in enumerate(spans):
            if index in in_person:
                continue
            counts["other"] += 1
            if hits := [f for f in found if overlaps(f, span)]:
                counts["other_redacted"] += 1
                labels.update(f[2] for f in hits)
                redacted.append(f"{hits[0][2]}: {context(result.cleaned, span, 30)}")
        counts["chunks"] += 1
    return _report_europeana(counts, labels, missed, redacted, verbose)


def _report_europeana(counts: Counter, labels: Counter, missed, redacted, verbose: bool) -> dict:
    recall = ratio(counts["per_found"], counts["per"])
    other = ratio(counts["other_redacted"], counts["other"])
    say(
        f"\nEuropeana NER (nl), last {EUROPEANA_HELD_OUT:.0%} of the tokens: {counts['chunks']} "
        f"chunks, {counts['per']} PER entities, {counts['other']} other tokens"
    )
    say(
        f"PER recall: {counts['per_found']} of {counts['per']} = {recall}  "
        f"{_mark(recall, EUROPEANA_RECALL_TARGET)}"
    )
    mark = "ok" if other is not None and other <= EUROPEANA_OTHER_TARGET else "MISSED"
    say(
        f"other tokens redacted: {counts['other_redacted']} of {counts['other']} = {other}  "
        f"<={EUROPEANA_OTHER_TARGET} {mark}"
    )
    say(f"labels of those findings: {dict(labels.most_common()) or 'none'}")
    if verbose:
        say("\nEUROPEANA PER MISSED (first 30):\n  " + "\n  ".join(missed[:30]))
        say("\nEUROPEANA OTHER TOKENS REDACTED (first 30):\n  " + "\n  ".join(redacted[:30]))
    return {"per_recall": recall, "other_tokens_redacted": other}


def say(message: str) -> None:
    print(message, file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed passes, s (default 5)")
    args = parser.parse_args()
    stories, tally = read_stories(DATA), Tally()
    for story in stories:
        score_story(story, tally)
    report_stories(stories, tally)
    if args.verbose:
        report_examples(tally)
    per_s, chars_per_s = throughput(stories, args.seconds)
    mark = "ok" if per_s >= SPEED_TARGET else "MISSED"
    say(
        f"\nspeed, one process: {per_s:,.0f} stories/s, {chars_per_s:,.0f} characters/s  "
        f">={SPEED_TARGET} stories/s {mark}"
    )
    if EUROPEANA.is_file():
        europe = europeana(EUROPEANA, args.verbose)
    else:
        europe = None
        say(f"\nEuropeana skipped: {EUROPEANA} is not there")
    print(
        json.dumps(
            {
                "recall": {
                    label: ratio(tally.found[label], tally.gold[label])
                    for label in screening.LABELS
                },
                "precision": {
                    label: ratio(tally.correct[label], tally.findings[label])
                    for label in screening.LABELS
                },
                "stories_per_s": round(per_s, 3),
                "other_words_redacted": ratio(tally.other_redacted, tally.other_words),
                "europeana": europe,
            }
        )
    )


if __name__ == "__main__":
    main()
