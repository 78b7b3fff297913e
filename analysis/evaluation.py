"""Scoring auto-coding against hand-coded contributions, the way researchers would judge it.

A contribution's codes are the set of codes of its suggestions; scores are
micro-averaged over contributions, per family and overall. Pure: no Flask.
"""

import json
from pathlib import Path
from typing import Any, Mapping

from analysis.classifier import prf
from analysis.coding import Engine


def read_coded(path: str | Path) -> list[dict[str, Any]]:
    """{"text", "codes": [{"code", ...}]} per line; a malformed line is named."""
    items = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                codes = {
                    entry["code"] if isinstance(entry, dict) else entry for entry in item["codes"]
                }
                items.append({"text": str(item["text"]), "codes": codes})
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f'line {number}: expected {{"text", "codes"}}: {error}') from error
    return items


def score(engine: Engine, items: list[dict[str, Any]], families: Mapping[str, str]) -> dict:
    predicted = [{s.code for s in found} for found in engine.suggest(i["text"] for i in items)]
    counts: dict[str, list[int]] = {}
    for item, guess in zip(items, predicted, strict=True):
        for code in guess | item["codes"]:
            family = families.get(code, "other")
            tally = counts.setdefault(family, [0, 0, 0])
            tally[0] += code in guess and code in item["codes"]
            tally[1] += code in guess and code not in item["codes"]
            tally[2] += code not in guess and code in item["codes"]
    total = [sum(t[i] for t in counts.values()) for i in range(3)]
    return {
        "contributions": len(items),
        "families": {family: prf(*tally) for family, tally in sorted(counts.items())},
        "overall": prf(*total),
    }


def families_table(metrics: Mapping[str, Any]) -> str:
    """Cross-validated micro scores per family and method, as plain text for the terminal."""
    lines = [f"{'family':<20} {'method':<7} {'P':>6} {'R':>6} {'F1':>6}"]
    for family, methods in metrics.get("families", {}).items():
        for method, result in methods.items():
            scores = f"{result['precision']:>6.3f} {result['recall']:>6.3f} {result['f1']:>6.3f}"
            lines.append(f"{family:<20} {method:<7} {scores}")
    return "\n".join(lines)
