"""Emerging themes: groups of approved contributions that no code fits yet.

A researcher reads a group's top terms and its most typical quotes and may turn
the group into a new code. Texts become TF-IDF vectors over lemmas, pairs of
adjacent lemmas and the known parts of compounds ("hondenpoepbak" also counts
as "hond" and "poep"); latent semantic analysis smooths the sparse vectors of
short texts before k-means, and the number of groups is the one with the best
silhouette. Fixed seeds keep the same texts giving the same groups.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from spacy.tokens import Doc
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload
from threadpoolctl import threadpool_limits

from analysis.models import CodebookVersion, CodedSegment
from analysis.nlp import BATCH_SIZE, Compounds, lexicon, pipeline
from analysis.segments import counted
from app.extensions import db
from app.labels import label
from app.models import Contribution, Status

MIN_TEXTS = 6
MIN_GROUP = 3
MIN_LENGTH = 3
TOP_TERMS = 8
EXAMPLES = 3
DIMENSIONS = 100
SILHOUETTE_SAMPLE = 2000
SEED = 0
MAX_TEXTS = 5000
# Placeholders of removed personal data ("[naam]", "[adres 2]") say nothing about a theme.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,40}\]")


@dataclass(frozen=True)
class Theme:
    terms: tuple[str, ...]  # most weighty lemmas and lemma pairs first
    members: tuple[int, ...]
    examples: tuple[int, ...]  # the members closest to the group's centre
    cohesion: float  # mean cosine similarity of the members to the centre, 0..1

    @property
    def size(self) -> int:
        return len(self.members)


def themes(
    texts: list[str], ids: list[int], language: str = "nl", max_groups: int = 8
) -> list[Theme]:
    """Groups of similar texts, the most alike first; groups under MIN_GROUP members are dropped.

    A theme no code covers yet tends to show as a small, close group beside
    large loose ones, so cohesion, not size, decides the order.
    """
    if len(texts) < MIN_TEXTS:
        return []
    vectorizer = TfidfVectorizer(analyzer=_given, min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(_features(texts, language))
    except ValueError:  # no term occurs in two texts
        return []
    rows = np.flatnonzero(matrix.getnnz(axis=1))
    if len(rows) < MIN_TEXTS:
        return []
    matrix = matrix[rows]
    with threadpool_limits(1):
        labels = _clusters(_reduced(matrix), max_groups)
    if labels is None:
        return []
    terms = vectorizer.get_feature_names_out()
    kept_ids = [ids[i] for i in rows]
    found = [_theme(matrix, labels == group, terms, kept_ids) for group in np.unique(labels)]
    kept = [theme for theme in found if theme.size >= MIN_GROUP]
    return sorted(kept, key=lambda theme: (-theme.cohesion, -theme.size, theme.members[0]))


def _given(features: list[str]) -> list[str]:
    """The vectorizer's analyzer: texts arrive already turned into features."""
    return features


def _features(texts: list[str], language: str) -> list[list[str]]:
    """Per text its lemma features plus those compound parts the texts also use as words.

    A part must occur on its own somewhere: the splitter's guesses at unknown
    words ("jongeren" as "jong" + "eren") then add no noise.
    """
    nlp = pipeline(language)
    stop_words = nlp.Defaults.stop_words
    compounds = Compounds(lexicon(language), language)
    words, parts = [], []
    plain = (PLACEHOLDER.sub(" ", text) for text in texts)
    for doc in nlp.pipe(plain, batch_size=BATCH_SIZE, disable=["sentencizer"]):
        lemmas = list(_lemmas(doc, stop_words))
        words.append(lemmas)
        parts.append([p for lemma in lemmas if " " not in lemma for p in compounds.parts(lemma)])
    used = {lemma for lemmas in words for lemma in lemmas}
    return [
        lemmas + [part for part in found if part in used]
        for lemmas, found in zip(words, parts, strict=True)
    ]


def _lemmas(doc: Doc, stop_words: set[str]) -> Iterator[str]:
    """Content lemmas, and pairs of lemmas that follow each other between punctuation."""
    previous: Optional[str] = None
    for token in doc:
        if token.is_punct:
            previous = None
        lemma = token.lemma_
        if token.like_num or not _content(lemma, token.lower_, stop_words):
            continue
        yield lemma
        if previous is not None and previous != lemma:
            yield f"{previous} {lemma}"
        previous = lemma


def _content(lemma: str, form: str, stop_words: set[str]) -> bool:
    return (
        len(lemma) >= MIN_LENGTH
        and lemma not in stop_words
        and form not in stop_words
        and any(c.isalpha() for c in lemma)
        and not any(c.isdigit() for c in lemma)
    )


def _reduced(matrix) -> np.ndarray:
    """Latent semantic analysis: texts that share few words but related ones come closer.

    Single precision halves the time k-means takes and changes no grouping.
    """
    dimensions = min(DIMENSIONS, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if dimensions < 2:
        return matrix.toarray().astype(np.float32)
    reduced = TruncatedSVD(dimensions, random_state=SEED).fit_transform(matrix)
    return normalize(reduced).astype(np.float32)


def _clusters(space: np.ndarray, max_groups: int) -> Optional[np.ndarray]:
    """K-means labels for the number of groups with the best silhouette, or None."""
    distinct = len(np.unique(space.round(6), axis=0))
    best, best_score = None, -1.0
    for k in range(2, min(max_groups, distinct - 1) + 1):
        labels = KMeans(k, n_init=10, random_state=SEED).fit_predict(space)
        score = silhouette_score(
            space,
            labels,
            metric="cosine",
            sample_size=min(len(space), SILHOUETTE_SAMPLE),
            random_state=SEED,
        )
        if score > best_score:
            best, best_score = labels, score
    return best


def _theme(matrix, inside: np.ndarray, terms: np.ndarray, ids: list[int]) -> Theme:
    """Terms that weigh more inside the group than outside it; examples nearest its centre."""
    rows = matrix[inside]
    centre = np.asarray(rows.mean(axis=0)).ravel()
    distinct = centre - np.asarray(matrix[~inside].mean(axis=0)).ravel()
    top = [i for i in np.argsort(-distinct, kind="stable")[:TOP_TERMS] if distinct[i] > 0]
    similarity = rows @ (centre / np.linalg.norm(centre))
    closest = np.argsort(-similarity, kind="stable")[:EXAMPLES]
    members = np.flatnonzero(inside)
    return Theme(
        terms=tuple(str(terms[i]) for i in top),
        members=tuple(sorted(ids[i] for i in members)),
        examples=tuple(ids[members[i]] for i in closest),
        cohesion=round(float(similarity.mean()), 3),
    )


@dataclass(frozen=True)
class ThemeFilter:
    channel: Optional[str] = None
    area_id: Optional[int] = None
    language: str = "nl"  # one language at a time: lemmas and stop words are per language


@dataclass(frozen=True)
class UncodedThemes:
    themes: list[Theme]
    examples: dict[int, Contribution]  # the groups' example contributions by id
    grouped: int  # contributions looked at: the most recent MAX_TEXTS
    uncoded: int  # all approved contributions without a counted segment


def uncoded_themes(filters: ThemeFilter) -> UncodedThemes:
    """Themes among the approved contributions that no code fits: none has a counted segment."""
    query = _uncoded(filters)
    uncoded = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    latest = query.order_by(Contribution.created_at.desc(), Contribution.id.desc())
    rows = db.session.execute(latest.limit(MAX_TEXTS)).all()
    found = _grouped(tuple(r.id for r in rows), tuple(r.body for r in rows), filters.language)
    wanted = {i for theme in found for i in theme.examples}
    examples = db.session.scalars(
        select(Contribution)
        .where(Contribution.id.in_(wanted))
        .options(selectinload(Contribution.area))
    )
    return UncodedThemes(list(found), {c.id: c for c in examples}, len(rows), uncoded)


def _uncoded(filters: ThemeFilter):
    coded = exists().where(CodedSegment.contribution_id == Contribution.id, counted())
    query = select(Contribution.id, Contribution.body).where(
        Contribution.status == Status.APPROVED,
        Contribution.language == filters.language,
        ~coded,
    )
    if filters.channel:
        query = query.where(Contribution.channel == filters.channel)
    if filters.area_id:
        query = query.where(Contribution.area_id == filters.area_id)
    return query


@functools.lru_cache(maxsize=4)
def _grouped(ids: tuple[int, ...], texts: tuple[str, ...], language: str) -> tuple[Theme, ...]:
    """Grouping 5,000 texts takes seconds; the same texts (a reload, a refused form) ask again."""
    return tuple(themes(list(texts), list(ids), language))


def anonymised(contribution: Contribution) -> str:
    """The body with personal data that screening found, and moderation kept, shown as its kind."""
    body, parts, position = contribution.body, [], 0
    for finding in sorted(contribution.findings or [], key=lambda f: f["start"]):
        start, end = finding["start"], finding["end"]
        if start < position or PLACEHOLDER.fullmatch(body[start:end]):
            continue
        parts += [body[position:start], f"[{label(finding['label'])}]"]
        position = end
    return "".join(parts) + body[position:]


def proposal(theme: Theme, version: CodebookVersion) -> dict[str, Any]:
    """A new code's starting fields: a free id, a name and cues from the theme's terms."""
    words = [term for term in theme.terms if " " not in term] or list(theme.terms) or ["thema"]
    return {
        "family": version.families[0]["id"] if version.families else "",
        "key": _free_key(words[0], {code.key for code in version.codes}),
        "name_nl": ", ".join(words[:3]).capitalize(),
        "cues": "\n".join(theme.terms),
    }


def _free_key(term: str, taken: set[str]) -> str:
    ascii_term = unicodedata.normalize("NFKD", term).encode("ascii", "ignore").decode()
    base = ("thema_" + re.sub(r"[^a-z0-9]+", "_", ascii_term.lower()).strip("_"))[:50]
    base = base.rstrip("_")
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key
