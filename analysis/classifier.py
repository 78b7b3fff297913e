"""A text classifier learnt from researchers' codes, and its cross-validation. Pure: no Flask.

spaCy's `textcat_multilabel` with the bag-of-words architecture, trained on
sentences. Its input is not the raw text but the sentence's lemmas, the parts
of its compounds and negation-marked words ("neg_vertrouwen"), so
"jeugdzorgwachtlijsten" and "wachtlijst" share a feature and "geen
vertrouwen" differs from "vertrouwen". Trains in seconds on a CPU.
"""

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch

from analysis.nlp import CLAUSE_BREAKS, NEGATION_WINDOW, NEGATORS, Analysed, Compounds, Word

EPOCHS = 10
LEARN_RATE = 0.001
DROPOUT = 0.2
LENGTH = 2**16  # hashed feature rows: plenty for a few thousand sentences, and fast
# Thresholds are on a sentence's standardised scores: how far a code stands out from the
# others in that sentence. Raw scores of a bag-of-words model rise for every code in short
# sentences; standing out is what tells codes apart (cross-validated F1 0.31 against 0.13).
THRESHOLDS = (1.5, 2.0, 2.5, 3.0, 3.5)
DEFAULT_THRESHOLD = 2.5
FOLDS = 5
MIN_EXAMPLES = 5  # sentences with the code before a model is trained for it


@dataclass(frozen=True)
class Unit:
    """One sentence with its features, the codes researchers gave it and its contribution."""

    features: tuple[str, ...]
    codes: frozenset[str]
    group: int
    cue_codes: frozenset[str] = frozenset()


def features(words: Sequence[Word], compounds: Compounds, language: str = "nl") -> tuple[str, ...]:
    """A sentence's lemmas, compound parts and negation-marked words, each once."""
    negators = NEGATORS.get(language, NEGATORS["nl"])
    found: list[str] = []
    negate = 0
    for word in words:
        if word.skip:
            negate = 0 if word.lower in CLAUSE_BREAKS else negate
            continue
        if word.lemma in negators or word.lower in negators:
            found.append(word.lemma)
            negate = NEGATION_WINDOW
            continue
        if word.lower in CLAUSE_BREAKS:
            negate = 0
        prefix = "neg_" if negate else ""
        negate = max(0, negate - 1)
        found.append(prefix + word.lemma)
        found.extend(prefix + part for part in compounds.parts(word.lower))
    return tuple(dict.fromkeys(found)) or ("_",)


def sentence_features(
    analysed: Analysed, compounds: Compounds, language: str = "nl"
) -> list[tuple[str, ...]]:
    return [
        features(analysed.words[first:end], compounds, language)
        for first, end, _, _ in analysed.sentences
    ]


def _blank(labels: Sequence[str]) -> Language:
    nlp = spacy.blank("xx")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": LENGTH,
            }
        },
    )
    for label in labels:
        textcat.add_label(label)
    return nlp


class Classifier:
    def __init__(self, nlp: Language, thresholds: dict[str, float], meta: Optional[dict] = None):
        self.nlp = nlp
        self.meta = meta
        self.textcat = nlp.get_pipe("textcat_multilabel")
        self.labels = tuple(self.textcat.labels)
        self.thresholds = thresholds

    def threshold(self, code: str) -> float:
        return self.thresholds.get(code, DEFAULT_THRESHOLD)

    def _doc(self, words: Sequence[str]) -> Doc:
        return Doc(self.nlp.vocab, words=list(words))

    @classmethod
    def train(
        cls,
        units: Sequence[Unit],
        labels: Sequence[str],
        thresholds: Optional[dict[str, float]] = None,
        epochs: int = EPOCHS,
        seed: int = 0,
    ) -> "Classifier":
        spacy.util.fix_random_seed(seed)
        nlp = _blank(labels)
        examples = [
            Example.from_dict(
                Doc(nlp.vocab, words=list(unit.features)),
                {"cats": {label: float(label in unit.codes) for label in labels}},
            )
            for unit in units
        ]
        optimizer = nlp.initialize(lambda: examples)
        optimizer.learn_rate = LEARN_RATE
        shuffle = random.Random(seed)  # noqa: S311 - reproducible order, not secrecy
        for _ in range(epochs):
            shuffle.shuffle(examples)
            for batch in minibatch(examples, size=16):
                nlp.update(batch, sgd=optimizer, drop=DROPOUT)
        return cls(nlp, thresholds or {})

    def z_scores(self, feature_lists: Sequence[Sequence[str]]) -> numpy.ndarray:
        """Per sentence (row) and code (column): standard deviations above the sentence's mean."""
        if not feature_lists:
            return numpy.zeros((0, len(self.labels)))
        ops = self.textcat.model.ops
        raw = numpy.vstack(
            [
                ops.to_numpy(
                    self.textcat.predict([self._doc(w) for w in feature_lists[i : i + 1024]])
                )
                for i in range(0, len(feature_lists), 1024)
            ]
        )
        spread = raw.std(axis=1, keepdims=True)
        spread[spread == 0] = 1.0
        return (raw - raw.mean(axis=1, keepdims=True)) / spread

    def scores(self, feature_lists: Sequence[Sequence[str]]) -> list[dict[str, float]]:
        return [
            dict(zip(self.labels, row.tolist(), strict=True))
            for row in self.z_scores(feature_lists)
        ]

    def save(self, path: Path, metrics: dict) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(path / "pipeline")
        meta = {"thresholds": self.thresholds, "metrics": metrics}
        (path / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Classifier":
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        nlp = spacy.load(path / "pipeline")
        return cls(nlp, meta["thresholds"], meta)


def confidence(z: float) -> float:
    """A standardised score as a confidence between 0 and 1 (0.5 at the default threshold)."""
    return round(1 / (1 + math.exp(-(z - DEFAULT_THRESHOLD))), 2)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _counts(
    predicted: Sequence[set[str]], units: Sequence[Unit], code: str
) -> tuple[int, int, int]:
    tp = sum(1 for p, u in zip(predicted, units, strict=True) if code in p and code in u.codes)
    fp = sum(1 for p, u in zip(predicted, units, strict=True) if code in p and code not in u.codes)
    fn = sum(1 for p, u in zip(predicted, units, strict=True) if code not in p and code in u.codes)
    return tp, fp, fn


def folds(units: Sequence[Unit], k: int = FOLDS, seed: int = 0) -> list[list[int]]:
    """Unit indices in k folds, whole contributions together, so a fold never sees its own text."""
    groups = sorted({unit.group for unit in units})
    random.Random(seed).shuffle(groups)  # noqa: S311 - reproducible folds
    fold_of = {group: i % k for i, group in enumerate(groups)}
    return [[i for i, unit in enumerate(units) if fold_of[unit.group] == f] for f in range(k)]


def cross_validate(
    units: Sequence[Unit], labels: Sequence[str], k: int = FOLDS, epochs: int = EPOCHS
) -> tuple[dict[str, dict], dict[str, float]]:
    """Per code: precision, recall and F1 of the model, the cues and both, and the best choice.

    Out-of-fold scores also choose each code's threshold. Returns the metrics
    and the thresholds.
    """
    out_of_fold: list[dict[str, float]] = [{} for _ in units]
    for held_out in folds(units, k):
        held = set(held_out)
        train = [unit for i, unit in enumerate(units) if i not in held]
        model = Classifier.train(train, labels, epochs=epochs)
        for i, cats in zip(
            held_out, model.scores([units[i].features for i in held_out]), strict=True
        ):
            out_of_fold[i] = cats
    metrics, thresholds = {}, {}
    cue_sets = [set(unit.cue_codes) for unit in units]
    for code in labels:
        best = max(
            THRESHOLDS,
            key=lambda t: prf(
                *_counts(
                    [{c for c, s in cats.items() if s >= t} for cats in out_of_fold], units, code
                )
            )["f1"],
        )
        thresholds[code] = best
        model_sets = [{c for c, s in cats.items() if s >= best} for cats in out_of_fold]
        both_sets = [m | c for m, c in zip(model_sets, cue_sets, strict=True)]
        entry = {
            "examples": sum(1 for unit in units if code in unit.codes),
            "threshold": best,
            "model": prf(*_counts(model_sets, units, code)),
            "cue": prf(*_counts(cue_sets, units, code)),
            "both": prf(*_counts(both_sets, units, code)),
        }
        entry["use"] = max(("cue", "model", "both"), key=lambda m: (entry[m]["f1"], m == "cue"))
        metrics[code] = entry
    return metrics, thresholds


def micro(metrics: dict[str, dict], codes: Iterable[str], method: Optional[str] = None) -> dict:
    """Micro-averaged scores over `codes`, with each code's chosen method or the one named."""
    tp = fp = fn = 0
    for code in codes:
        entry = metrics.get(code)
        if entry:
            chosen = entry[method or entry["use"]]
            tp, fp, fn = tp + chosen["tp"], fp + chosen["fp"], fn + chosen["fn"]
    return prf(tp, fp, fn)
