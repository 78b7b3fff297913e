"""Throughput of the two pure stages every text passes: screening and cue suggestion.

Uses the demo texts (dialogues/demo_content.yml), repeated to N texts, and
measures against bare spaCy tokenisation of the same texts in the same run
(the ceiling for `suggest`). Prints one JSON object on the last line.

    .venv/bin/python bench/pipeline.py [N]
"""

import json
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import codebook, coding, nlp  # noqa: E402
from moderation import screening  # noqa: E402


def demo_texts() -> list[str]:
    content = yaml.safe_load((ROOT / "dialogues" / "demo_content.yml").read_text(encoding="utf-8"))
    texts = [story["text"] for story in content["intake_session"]["stories"]]
    for round_ in content["dialogue"]["rounds"]:
        for prompt in round_.get("prompts", []):  # rating rounds have statements
            texts += [item["text"] for item in prompt.get("contributions", [])]
    return texts


def timed(label: str, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s", file=sys.stderr)
    return seconds


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    base = demo_texts()
    texts = (base * (n // len(base) + 1))[:n]
    cues = {code["id"]: code["cues"] for code in codebook.read_yaml()["codes"]}
    pipeline = nlp.pipeline("nl")
    list(coding.suggest(texts[:50], cues))  # warm up: builds the matcher once

    screening.prepare()  # deduce and the name lists load once per process, not per text
    screen_s = timed("screen", lambda: [screening.screen(t) for t in texts])
    tokenize_s = timed("tokenize", lambda: list(pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE)))
    suggest_s = timed("suggest", lambda: list(coding.suggest(texts, cues)))
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(
        json.dumps(
            {
                "machine_cores": os.cpu_count(),
                "texts": n,
                "mean_words": round(words, 1),
                "screen_per_s": round(n / screen_s),
                "tokenize_per_s": round(n / tokenize_s),
                "suggest_per_s": round(n / suggest_s),
                "suggest_ratio": round(tokenize_s / suggest_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
