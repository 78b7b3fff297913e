"""Learning from researchers: training data, versioned models and the coding engine.

Training data are the sentences of contributions researchers have decided on
(accepted and own codes are positives, every other code in those sentences a
negative), plus the coded examples shipped in `analysis/examples/`. Models are
stored under `instance/models/<number>/`; without one, the base model trained
on the shipped examples alone is used, built once per machine.
"""

import hashlib
import json
import threading
from pathlib import Path
from typing import Iterable, Optional

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from analysis import codebook
from analysis.classifier import (
    MIN_EXAMPLES,
    Classifier,
    Unit,
    cross_validate,
    micro,
    sentence_features,
)
from analysis.coding import Engine, group
from analysis.models import CodebookVersion, CodedSegment, SegmentStatus, TrainedModel
from analysis.nlp import CueMatcher
from app import audit
from app.errors import InvalidInput, NotAllowed
from app.extensions import db
from app.models import Contribution, Role, Status, User

EXAMPLES = Path(__file__).with_name("examples")
MIN_OVERLAP = 0.5  # share of the shorter of sentence and segment that must overlap
_loaded: dict[str, Classifier] = {}
_lock = threading.Lock()


def shipped_examples() -> list[dict]:
    """Hand-coded examples in analysis/examples/*.jsonl: {"text", "codes": [{"code", "quote"}]}."""
    items = []
    for path in sorted(EXAMPLES.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            items += [json.loads(line) for line in handle if line.strip()]
    return items


def spans_of(item: dict) -> list[tuple[str, int, int]]:
    """(code, start, end) of an example's quotes in its text."""
    return [
        (
            entry["code"],
            item["text"].index(entry["quote"]),
            item["text"].index(entry["quote"]) + len(entry["quote"]),
        )
        for entry in item["codes"]
    ]


def units(
    documents: Iterable[tuple[int, str, list[tuple[str, int, int]]]], matcher: CueMatcher
) -> list[Unit]:
    """Training sentences from (group, text, coded spans), with what the cues say of each."""
    documents = list(documents)
    found: list[Unit] = []
    texts = [text for _, text, _ in documents]
    for (group_id, text, spans), (analysed, matches) in zip(
        documents, matcher.match_texts(texts), strict=True
    ):
        cue_spans = [(s.code, s.start, s.end) for s in group(matches, text)]
        sentence_words = sentence_features(analysed, matcher.compounds, matcher.language)
        for sentence, words in zip(analysed.sentences, sentence_words, strict=True):
            start, end = sentence[2], sentence[3]
            if not text[start:end].strip():
                continue
            found.append(
                Unit(
                    words,
                    frozenset(code for code, s, e in spans if _covers((start, end), s, e)),
                    group_id,
                    frozenset(code for code, s, e in cue_spans if _covers((start, end), s, e)),
                )
            )
    return found


def _covers(sentence: tuple[int, int], start: int, end: int) -> bool:
    overlap = min(sentence[1], end) - max(sentence[0], start)
    shorter = min(sentence[1] - sentence[0], end - start)
    return overlap > 0 and overlap >= MIN_OVERLAP * shorter


def researcher_documents() -> list[tuple[int, str, list[tuple[str, int, int]]]]:
    """Contributions with researchers' decisions, and their accepted codes."""
    query = (
        select(
            CodedSegment.contribution_id,
            CodedSegment.code_key,
            CodedSegment.start,
            CodedSegment.end,
            CodedSegment.status,
        )
        .join(Contribution, Contribution.id == CodedSegment.contribution_id)
        .where(
            CodedSegment.sample_id.is_(None),
            CodedSegment.status.in_(SegmentStatus.DECIDED),
            Contribution.status == Status.APPROVED,
        )
    )
    spans: dict[int, list[tuple[str, int, int]]] = {}
    for contribution_id, key, start, end, status in db.session.execute(query):
        coded = spans.setdefault(contribution_id, [])
        if status == SegmentStatus.ACCEPTED:
            coded.append((key, start, end))
    query = select(Contribution.id, Contribution.body).where(Contribution.id.in_(spans))
    bodies = {contribution_id: body for contribution_id, body in db.session.execute(query)}
    return [(cid, bodies[cid], coded) for cid, coded in spans.items()]


def _matcher(version: CodebookVersion) -> CueMatcher:
    return Engine(*_cue_tables(version)).matcher


def _cue_tables(version: CodebookVersion):
    return (
        {code.key: code.cues for code in version.codes},
        {code.key: code.negated_cues for code in version.codes if code.negated_cues},
    )


def training_units(version: CodebookVersion, with_researchers: bool = True) -> list[Unit]:
    shipped = [
        (-(i + 1), item["text"], spans_of(item)) for i, item in enumerate(shipped_examples())
    ]
    documents = shipped + (researcher_documents() if with_researchers else [])
    return units(documents, _matcher(version))


def fit(version: CodebookVersion, data: list[Unit]) -> tuple[Classifier, dict]:
    """Cross-validate, then train on everything; codes with few examples keep their cues."""
    keys = {code.key for code in version.codes}
    labels = sorted(
        key for key in keys if sum(1 for unit in data if key in unit.codes) >= MIN_EXAMPLES
    )
    if not labels:
        raise InvalidInput(_("There are not yet enough coded examples to learn from."))
    metrics, thresholds = cross_validate(data, labels)
    families: dict[str, list[str]] = {}
    for code in version.codes:
        families.setdefault(code.family, []).append(code.key)
    summary = {
        "codes": metrics,
        "families": {
            family: {
                method or "chosen": micro(metrics, codes, method)
                for method in ("cue", "model", "both", None)
            }
            for family, codes in families.items()
        },
        "sentences": len(data),
    }
    return Classifier.train(data, labels, thresholds), summary


def models_dir() -> Path:
    return Path(current_app.instance_path) / "models"


def train(actor: User) -> TrainedModel:
    """A new model version from the shipped examples and every researcher's decisions."""
    if not actor.has_role(Role.RESEARCHER):
        raise NotAllowed(_("Only researchers can train the model."))
    version = codebook.ensure_current()
    data = training_units(version)
    classifier, summary = fit(version, data)
    latest = db.session.scalar(select(TrainedModel).order_by(TrainedModel.number.desc()))
    model = TrainedModel(
        number=(latest.number + 1) if latest else 1,
        codebook_number=version.number,
        examples=len(data),
        metrics=summary,
        created_by_id=actor.id,
    )
    classifier.save(models_dir() / str(model.number), summary)
    db.session.add(model)
    db.session.flush()
    audit.record(actor, "analysis.train", model, number=model.number, sentences=len(data))
    return model


def latest_model() -> Optional[TrainedModel]:
    return db.session.scalar(select(TrainedModel).order_by(TrainedModel.number.desc()))


def _fingerprint(version: CodebookVersion) -> str:
    digest = hashlib.sha256()
    for path in sorted(EXAMPLES.glob("*.jsonl")):
        digest.update(path.read_bytes())
    digest.update(json.dumps(_cue_tables(version), sort_keys=True).encode())
    return digest.hexdigest()[:12]


def base_model(version: CodebookVersion) -> Optional[tuple[Classifier, dict]]:
    """The model of the shipped examples alone, trained once per machine and codebook content.

    None when the shipped examples are too few to learn any code from.
    """
    path = models_dir() / f"base-{_fingerprint(version)}"
    with _lock:
        if str(path) not in _loaded:
            if not (path / "meta.json").exists():
                try:
                    classifier, summary = fit(version, training_units(version, False))
                except InvalidInput:
                    return None
                classifier.save(path, summary)
            _loaded[str(path)] = Classifier.load(path)
    classifier = _loaded[str(path)]
    return classifier, classifier.meta["metrics"]


def _load(number: int) -> Classifier:
    path = models_dir() / str(number)
    with _lock:
        if str(path) not in _loaded:
            _loaded[str(path)] = Classifier.load(path)
    return _loaded[str(path)]


def decided_count() -> int:
    """Contributions researchers have decided on: what a new model would learn from."""
    query = select(func.count(func.distinct(CodedSegment.contribution_id))).where(
        CodedSegment.sample_id.is_(None), CodedSegment.status.in_(SegmentStatus.DECIDED)
    )
    return db.session.scalar(query) or 0


def engine_metrics(engine: Engine) -> Optional[dict]:
    """The cross-validation figures of the model an engine uses, if it uses one."""
    if engine.classifier is None:
        return None
    meta = engine.classifier.meta
    return meta.get("metrics") if meta else None


def current_engine(with_model: bool = True) -> Engine:
    """The engine for the current codebook with the newest model, or the base model."""
    version = codebook.ensure_current()
    cues, negated = _cue_tables(version)
    if not with_model:
        return Engine(cues, negated, codebook_number=version.number)
    model = latest_model()
    if model is not None and (models_dir() / str(model.number) / "meta.json").exists():
        classifier, metrics, number = _load(model.number), model.metrics, model.number
    else:
        base = base_model(version) if current_app.config["ANALYSIS_BASE_MODEL"] else None
        if base is None:
            return Engine(cues, negated, codebook_number=version.number)
        (classifier, metrics), number = base, 0
    use = {code: entry["use"] for code, entry in metrics["codes"].items()}
    return Engine(
        cues,
        negated,
        classifier=classifier,
        use=use,
        codebook_number=version.number,
        model_number=number,
    )
