"""Agreement statistics against examples computed by hand; pure, tested without an app."""

import pytest

from analysis import agreement
from analysis.agreement import cohens_kappa, krippendorffs_alpha, percent_agreement


def table(cells: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """Two coders' parallel labels from a contingency table {(first, second): count}."""
    pairs = [pair for pair, count in cells.items() for _ in range(count)]
    return [a for a, _ in pairs], [b for _, b in pairs]


# 50 units: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
YES_NO = table({("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15})

# 100 units, three categories, a symmetric table (both coders use A 40, B 35, C 25 times):
#          second: A   B   C
# first A         30   4   6
# first B          4  26   5
# first C          6   5  14
THREE = table(
    {
        ("A", "A"): 30,
        ("A", "B"): 4,
        ("A", "C"): 6,
        ("B", "A"): 4,
        ("B", "B"): 26,
        ("B", "C"): 5,
        ("C", "A"): 6,
        ("C", "B"): 5,
        ("C", "C"): 14,
    }
)

# Krippendorff (2011), nominal example: 4 coders, 12 units, None = missing.
KRIPPENDORFF = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
KRIPPENDORFF_UNITS = [list(unit) for unit in zip(*KRIPPENDORFF.values(), strict=True)]


def test_kappa_on_a_two_by_two_table():
    # p_o = (20 + 15) / 50 = 0.7
    # first says yes 25 times, second 30: p_e = (25 * 30 + 25 * 20) / 50**2 = 1250 / 2500 = 0.5
    # kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    assert percent_agreement(*YES_NO) == pytest.approx(0.7)
    assert cohens_kappa(*YES_NO) == pytest.approx(0.4)


def test_kappa_with_three_categories():
    # p_o = (30 + 26 + 14) / 100 = 0.70
    # p_e = 0.40**2 + 0.35**2 + 0.25**2 = 0.16 + 0.1225 + 0.0625 = 0.345
    # kappa = (0.70 - 0.345) / (1 - 0.345) = 0.355 / 0.655 = 71 / 131 = 0.54198...
    assert cohens_kappa(*THREE) == pytest.approx(71 / 131)


def test_kappa_for_perfect_agreement_and_total_disagreement():
    assert cohens_kappa(["x", "y", "z", "x"], ["x", "y", "z", "x"]) == 1.0
    # p_o = 0; each coder uses x and y twice: p_e = 0.5 * 0.5 + 0.5 * 0.5 = 0.5
    # kappa = (0 - 0.5) / (1 - 0.5) = -1
    assert cohens_kappa(["x", "y", "x", "y"], ["y", "x", "y", "x"]) == pytest.approx(-1.0)
    # first always x, second always y: p_o = 0, p_e = 1 * 0 + 0 * 1 = 0, kappa = 0
    assert cohens_kappa(["x", "x"], ["y", "y"]) == 0.0


def test_kappa_degenerate_cases_are_defined():
    assert cohens_kappa([], []) is None
    assert cohens_kappa([None, "x"], ["y", None]) is None
    # both used only "x": p_e = 1 and p_o = 1, reported as perfect agreement
    assert cohens_kappa(["x", "x", "x"], ["x", "x", "x"]) == 1.0
    with pytest.raises(ValueError):
        cohens_kappa(["x"], ["x", "y"])


def test_percent_agreement_leaves_out_units_either_coder_missed():
    # units 1, 2 and 5 have both labels; 1 and 5 agree: 2 / 3
    first = [1, 2, None, 3, 1]
    second = [1, 3, 2, None, 1]
    assert percent_agreement(first, second) == pytest.approx(2 / 3)
    assert percent_agreement([None], [1]) is None
    assert percent_agreement([], []) is None


def test_percent_agreement_weights_a_unit_by_its_length():
    # weights 1, 3, 6 on agree / disagree / agree: (1 + 6) / 10 = 0.7; unweighted 2 / 3
    assert percent_agreement(["a", "b", "c"], ["a", "x", "c"], weights=[1, 3, 6]) == 0.7
    with pytest.raises(ValueError):
        percent_agreement(["a"], ["a"], weights=[1, 2])
    with pytest.raises(ValueError):
        percent_agreement(["a"], ["a"], weights=[-1])


def test_alpha_reproduces_krippendorffs_nominal_example():
    # Unit 12 has one value and is left out; the other units hold n = 40 pairable values:
    # n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3.
    # Agreeing coincidences sum m_cu (m_cu - 1) / (m_u - 1) per unit:
    # o_11 = 3*2/2 (u1) + 3*2/3 (u8) + 2*1/1 (u11) = 7
    # o_22 = 3*2/3 (u2) + 4*3/3 (u5) + 4*3/3 (u9) = 10
    # o_33 = 4 (u3) + 4 (u4) = 8;  o_44 = 4 (u7);  o_55 = 3*2/2 (u10) = 3;  sum = 32
    # disagreeing coincidences: 40 - 32 = 8
    # sum_{c != k} n_c n_k = 40**2 - (81 + 169 + 100 + 25 + 9) = 1600 - 384 = 1216
    # alpha = 1 - (40 - 1) * 8 / 1216 = 904 / 1216 = 0.7434...
    matrix = agreement.coincidence_matrix(KRIPPENDORFF_UNITS)
    assert sum(matrix.values()) == 40
    assert [matrix[c, c] for c in (1, 2, 3, 4, 5)] == [7, 10, 8, 4, 3]
    assert krippendorffs_alpha(KRIPPENDORFF_UNITS) == pytest.approx(904 / 1216)
    assert round(krippendorffs_alpha(KRIPPENDORFF_UNITS), 3) == 0.743


def test_alpha_takes_units_as_mappings_of_coder_to_label():
    units = [dict(zip(KRIPPENDORFF, unit, strict=True)) for unit in KRIPPENDORFF_UNITS]
    assert krippendorffs_alpha(units) == pytest.approx(904 / 1216)
    assert krippendorffs_alpha([{"A": 1, "C": 1}, {"B": 2, "D": 1}]) == pytest.approx(
        krippendorffs_alpha([[1, None, 1], [None, 2, 1]])
    )


def test_alpha_for_two_coders_lies_close_to_kappa():
    # Three categories, symmetric table: n = 200 values, n_A = 80, n_B = 70, n_C = 50,
    # agreeing coincidences 2 * (30 + 26 + 14) = 140.
    # alpha = (199 * 140 - (80*79 + 70*69 + 50*49)) / (200 * 199 - 13600)
    #       = (27860 - 13600) / (39800 - 13600) = 14260 / 26200 = 0.54427..., kappa 0.54198
    # With equal marginals kappa equals Scott's pi and alpha = 1 - (2N - 1)/(2N) (1 - pi)
    # lies slightly above it.
    alpha = krippendorffs_alpha(list(zip(*THREE, strict=True)))
    assert alpha == pytest.approx(14260 / 26200)
    assert cohens_kappa(*THREE) < alpha < cohens_kappa(*THREE) + 0.01
    # yes/no table: n_yes = 55, n_no = 45, agreeing coincidences 2 * 35 = 70
    # alpha = (99 * 70 - (55*54 + 45*44)) / (100 * 99 - 4950) = 1980 / 4950 = 0.4 (= kappa here)
    assert krippendorffs_alpha(list(zip(*YES_NO, strict=True))) == pytest.approx(0.4)


def test_alpha_perfect_and_degenerate_cases():
    assert krippendorffs_alpha([[1, 1, None], [2, 2, 2], [3, None, 3]]) == 1.0
    assert krippendorffs_alpha([]) is None
    # no unit with two values: nothing is pairable
    assert krippendorffs_alpha([[1, None], [None, 2], [None, None]]) is None
    # one value overall: D_e = 0, reported as perfect agreement
    assert krippendorffs_alpha([["x", "x"], ["x", "x", None]]) == 1.0


def two_coders() -> dict:
    """Coder 1 did not code u6; an empty set means coded, no code applies."""
    return {
        "first": {"u1": {"a"}, "u2": {"a", "b"}, "u3": set(), "u4": {"b"}, "u5": {"a"}},
        "second": {"u1": {"a"}, "u2": {"a"}, "u3": {"b"}, "u4": {"b"}, "u5": set(), "u6": {"a"}},
    }


def test_presence_matrix_tells_absent_from_not_coded():
    rows = agreement.presence_matrix(two_coders(), "a")
    assert rows == [
        [True, True],
        [True, True],
        [False, False],
        [False, False],
        [True, False],
        [None, True],
    ]


def test_agreement_report_per_code_mean_and_pooled():
    report = agreement.agreement_report(two_coders(), ["a", "b"])
    code_a, code_b = report.per_code
    # code a over u1-u5 (u6 lacks the first coder): both 2, only first 1, neither 2
    # p_o = 4/5; first yes 3, second yes 2: p_e = (3*2 + 2*3) / 25 = 0.48
    # kappa = (0.8 - 0.48) / 0.52 = 8/13; alpha: n = 10, n_yes = n_no = 5, agreeing 8:
    # (9 * 8 - (20 + 20)) / (90 - 40) = 32/50 = 0.64
    assert (code_a.code, code_a.units) == ("a", 5)
    assert (code_a.both, code_a.only_first, code_a.only_second, code_a.neither) == (2, 1, 0, 2)
    assert code_a.percent == pytest.approx(0.8)
    assert code_a.kappa == pytest.approx(8 / 13)
    assert code_a.alpha == pytest.approx(0.64)
    # code b: both 1 (u4), only first 1 (u2), only second 1 (u3), neither 2; p_o = 3/5
    # first yes 2, second yes 2: p_e = (4 + 9) / 25 = 0.52; kappa = 0.08 / 0.48 = 1/6
    # alpha: n_yes = 4, n_no = 6, agreeing 6: (9 * 6 - (12 + 30)) / (90 - 42) = 12/48 = 0.25
    assert (code_b.both, code_b.only_first, code_b.only_second, code_b.neither) == (1, 1, 1, 2)
    assert code_b.kappa == pytest.approx(1 / 6)
    assert code_b.alpha == pytest.approx(0.25)
    assert report.mean_percent == pytest.approx(0.7)
    assert report.mean_kappa == pytest.approx((8 / 13 + 1 / 6) / 2)
    assert report.mean_alpha == pytest.approx((0.64 + 0.25) / 2)
    # pooled over 10 unit-code pairs: both 3, only first 2, only second 1, neither 4
    # p_o = 0.7; first yes 5, second yes 4: p_e = (5*4 + 5*6) / 100 = 0.5; kappa = 0.4
    # alpha: n = 20, n_yes = 9, n_no = 11, agreeing 14: (19*14 - 182) / (380 - 182) = 84/198
    pooled = report.pooled
    assert (pooled.code, pooled.units) == (None, 10)
    assert (pooled.both, pooled.only_first, pooled.only_second, pooled.neither) == (3, 2, 1, 4)
    assert (pooled.percent, pooled.kappa) == (pytest.approx(0.7), pytest.approx(0.4))
    assert pooled.alpha == pytest.approx(84 / 198)


def test_agreement_report_for_three_coders_has_alpha_but_no_kappa():
    codings = {
        "first": {"u1": {"a"}, "u2": set()},
        "second": {"u1": {"a"}, "u2": {"a"}},
        "third": {"u1": {"a"}},
    }
    [code_a] = agreement.agreement_report(codings, ["a"]).per_code
    # pairs: first-second 1/2, first-third 1/1, second-third 1/1: mean 5/6
    # alpha: u1 three yes (o_yy = 3), u2 yes/no; n = 5, n_yes = 4, n_no = 1
    # 1 - (5 - 1) * 2 / (25 - 16 - 1) = 1 - 8/8 = 0
    assert code_a.percent == pytest.approx(5 / 6)
    assert code_a.alpha == pytest.approx(0.0)
    assert code_a.kappa is None and code_a.both is None


# On a 100-character text coder A marks code x at 10-40, coder B marks x at 20-50 and y at 60-70.
SPANS = {"A": [(10, 40, "x")], "B": [(20, 50, "x"), (60, 70, "y")]}


def test_segment_units_cut_the_text_at_every_span_boundary():
    segments = agreement.segment_units(SPANS, 100)
    assert list(segments) == ["x", "y"]
    x = segments["x"]
    assert x.ranges == ((0, 10), (10, 20), (20, 40), (40, 50), (50, 100))
    assert x.units == ((False, False), (True, False), (True, True), (False, True), (False, False))
    assert x.weights == (10, 10, 20, 10, 50)
    assert segments["y"].units == ((False, False), (False, True), (False, False))


def test_segment_level_figures_are_weighted_by_length():
    x, y = agreement.segment_units(SPANS, 100).values()
    first, second = zip(*x.units, strict=True)
    # x: agreement on 10 + 20 + 50 = 80 of 100 characters; unweighted it would be 3 of 5 ranges
    assert percent_agreement(first, second, weights=x.weights) == pytest.approx(0.8)
    # kappa: each coder marks 30 characters: p_e = 0.3**2 + 0.7**2 = 0.58
    # (0.8 - 0.58) / (1 - 0.58) = 0.22 / 0.42 = 11/21
    assert cohens_kappa(first, second, weights=x.weights) == pytest.approx(11 / 21)
    # alpha: n = 200 values, n_x = 60, n_not = 140, agreeing 2 * 80 = 160
    # (199 * 160 - (60*59 + 140*139)) / (200 * 199 - 23000) = 8840 / 16800 = 221/420
    assert krippendorffs_alpha(x.units, weights=x.weights) == pytest.approx(221 / 420)
    # y: only B marked 10 characters: n_y = 10, n_not = 190, agreeing 2 * 90 = 180
    # (199 * 180 - (10*9 + 190*189)) / (39800 - 36000) = -180 / 3800 = -9/190
    assert krippendorffs_alpha(y.units, weights=y.weights) == pytest.approx(-9 / 190)


def test_segment_units_merge_a_coders_overlapping_spans_and_reject_bad_ones():
    segments = agreement.segment_units({"A": [(0, 6, "x"), (4, 10, "x")], "B": []}, 10)
    assert segments["x"].units == ((True, False), (True, False), (True, False))
    assert segments["x"].weights == (4, 2, 4)
    with pytest.raises(ValueError):
        agreement.segment_units({"A": [(5, 120, "x")]}, 100)
    with pytest.raises(ValueError):
        agreement.segment_units({"A": [(5, 5, "x")]}, 100)
