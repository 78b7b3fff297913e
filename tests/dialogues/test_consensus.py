"""Delphi statistics against examples worked out by hand."""

from collections import Counter

import pytest

from dialogues import consensus


def counts(values):
    return Counter(values)


def test_hand_checked_example_without_consensus():
    # Sorted: 1 2 2 3 4 4 4 5 5 5. Q1 at position 2.25 -> 2 + 0.25 * (3 - 2) = 2.25;
    # median at 4.5 -> 4; Q3 at 6.75 -> 4 + 0.75 * (5 - 4) = 4.75; IQR 2.5; 6 of 10 agree.
    summary = consensus.summarise(counts([1, 2, 2, 3, 4, 4, 4, 5, 5, 5]))
    assert summary.n == 10 and summary.distribution == (1, 2, 1, 3, 3)
    assert (summary.q1, summary.median, summary.q3) == (2.25, 4.0, 4.75)
    assert summary.iqr == 2.5
    assert summary.agree == 0.6 and summary.disagree == 0.3
    assert summary.label == consensus.NO_CONSENSUS


def test_hand_checked_consensus_to_agree():
    # Sorted: 3 4 4 4 4 4 4 5 5 5: Q1 4, Q3 4.75, IQR 0.75, 9 of 10 agree.
    summary = consensus.summarise(counts([4, 4, 4, 5, 5, 4, 4, 3, 4, 5]))
    assert (summary.q1, summary.median, summary.q3) == (4.0, 4.0, 4.75)
    assert summary.agree == 0.9
    assert summary.label == consensus.CONSENSUS_AGREE


def test_consensus_to_disagree_and_skips_counted_apart():
    summary = consensus.summarise({1: 4, 2: 3, 3: 1, None: 5})
    assert summary.n == 8 and summary.skipped == 5
    assert summary.disagree == 7 / 8
    assert summary.label == consensus.CONSENSUS_DISAGREE


def test_enough_agreement_but_too_wide_a_spread_is_no_consensus():
    # 70% agree, but 1s on the other side widen the IQR: 1 1 1 4 4 4 5 5 5 5.
    summary = consensus.summarise(counts([1, 1, 1, 4, 4, 4, 5, 5, 5, 5]))
    assert summary.agree == 0.7
    assert summary.iqr == pytest.approx(3.25)
    assert summary.label == consensus.NO_CONSENSUS


def test_thresholds_are_configurable():
    values = counts([4, 4, 4, 4, 4, 4, 3, 3, 3, 3])
    assert consensus.summarise(values).label == consensus.NO_CONSENSUS
    assert consensus.summarise(values, share=0.6).label == consensus.CONSENSUS_AGREE


def test_single_rating_and_no_ratings():
    assert consensus.summarise({5: 1}).median == 5
    empty = consensus.summarise({None: 2})
    assert empty.label == consensus.NO_RATINGS and empty.median is None


def test_small_groups_are_suppressed():
    groups = {"wijkagent": {4: 5, 5: 2}, "huisarts": {1: 4}}
    result = consensus.breakdown(groups, min_size=5)
    assert result["wijkagent"].n == 7
    assert result["huisarts"] is None


def test_dissent_needs_two_shown_groups_far_apart():
    groups = {"a": {5: 5, 4: 1}, "b": {1: 3, 2: 3}, "c": {3: 2}}
    shown = consensus.breakdown(groups, min_size=5)
    assert consensus.dissent(shown)
    assert not consensus.dissent(consensus.breakdown({"a": {5: 5}, "b": {4: 5}}, min_size=5))
    # The far-away group is too small to count.
    assert not consensus.dissent(consensus.breakdown({"a": {5: 6}, "b": {1: 4}}, min_size=5))
