"""How sure the numbers are and what moves them: Monte Carlo intervals, runs to a precision,
correlated inputs and variance-based sensitivity, against known answers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from estimator import load_scenario, simulate, simulate_to_precision, with_values
from estimator.engine.compile import compile_model
from estimator.engine.inputs import draw_inputs
from estimator.engine.intervals import half_width, percentile_interval, percentile_ranks
from estimator.engine.sensitivity import conditional_means, interaction_shares, sensitivity
from estimator.engine.streams import BLOCK_RUNS
from estimator.scenario import ScenarioError
from estimator.scenario.correlations import draw_path, pearson_for_rank
from tests.conftest import EXAMPLE, minimal, scenario_of

NONPROFIT = "data/scenarios/nonprofit.toml"

# ------------------------------------------------------------------ intervals


@pytest.mark.parametrize("percentile", [50, 90, 95])
@pytest.mark.parametrize("dist", [stats.norm(), stats.expon(), stats.lognorm(1.0)])
def test_interval_covers_the_true_percentile_in_95_of_100_repetitions(percentile, dist):
    rng = np.random.default_rng(percentile)
    truth = dist.ppf(percentile / 100)
    hits = 0
    for _ in range(400):
        low, high = percentile_interval(dist.rvs(size=600, random_state=rng), percentile)
        hits += low <= truth <= high
    assert 0.92 <= hits / 400 <= 0.98


def test_interval_ranks_bracket_the_binomial():
    r, s = percentile_ranks(1000, 90)
    p = stats.binom(1000, 0.9)
    # P(x_(r) <= q <= x_(s)) = F(s - 1) - F(r - 1): at least 95%, and not an extra rank wider
    assert p.cdf(s - 1) - p.cdf(r - 1) >= 0.95
    assert p.cdf(s - 2) - p.cdf(r - 1) < 0.95 or p.cdf(s - 1) - p.cdf(r) < 0.95
    # 20 runs cannot bound a P95 from above
    assert percentile_ranks(20, 95)[1] is None
    assert half_width([1.0, None]) == math.inf


def test_summary_gives_every_percentile_its_interval():
    r = simulate(load_scenario(EXAMPLE), runs=256, seed=3)
    s = r.summary(percentiles=(75,))
    for p in ("p50", "p75", "p90", "p95"):
        low, high = s["fte_total"][f"{p}_ci95"]
        assert low <= s["fte_total"][p] <= high
    for p in ("p50", "p90"):
        low, high = s["cost_total"][f"{p}_ci95"]
        assert low <= s["cost_total"][p] <= high
    assert s["fte_total"]["p90_ci95"] == percentile_interval(r.fte_total(), 90)


# ------------------------------------------------------------------ runs to a precision


def test_precision_is_reached_and_two_seeds_agree_within_it():
    s = load_scenario(NONPROFIT)
    steps = []
    a = simulate_to_precision(s, 0.02, seed=1, start_runs=256,
                              on_step=lambda n, p90, h: steps.append((n, h)))
    b = simulate_to_precision(s, 0.02, seed=2, start_runs=256)
    for r in (a, b):
        assert r.precision["reached"] and r.precision["half_width_fte"] <= 0.02
        assert r.runs % BLOCK_RUNS == 0 and r.precision["runs"] == r.runs
        p90 = float(np.percentile(r.fte_total(), 90))
        low, high = percentile_interval(r.fte_total(), 90)
        assert p90 - 0.02 <= low <= p90 <= high <= p90 + 0.02
    assert len(steps) >= 2 and steps[-1][1] < steps[0][1]  # the half-width shrank
    assert [n for n, _ in steps] == sorted(n for n, _ in steps)
    p90a, p90b = (float(np.percentile(r.fte_total(), 90)) for r in (a, b))
    assert abs(p90a - p90b) <= 0.02
    assert a.summary()["precision"]["runs"] == a.runs


def test_precision_runs_are_the_runs_of_a_plain_simulation():
    s = load_scenario(EXAMPLE)
    r = simulate_to_precision(s, 0.05, seed=4, start_runs=64, chunk_runs=64)
    plain = simulate(s, runs=r.runs, seed=4)
    for key in plain.arrays:
        np.testing.assert_array_equal(r.arrays[key], plain.arrays[key], err_msg=key)
    np.testing.assert_array_equal(r.fte_total(), plain.fte_total())


def test_precision_stops_at_the_cap_and_says_so():
    r = simulate_to_precision(load_scenario(EXAMPLE), 1e-4, seed=1, start_runs=64,
                              max_runs=100)
    assert r.runs == 128 and not r.precision["reached"]
    assert r.precision["half_width_fte"] > 1e-4


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "0.1", True])
def test_precision_must_be_a_positive_half_width(bad):
    with pytest.raises(ScenarioError, match="^precision: expected a half-width"):
        simulate_to_precision(load_scenario(NONPROFIT), bad)


# ------------------------------------------------------------------ correlations

PAIR = ["channels.0.per_day", "crises.per_year"]


def _correlated(*entries):
    return with_values(load_scenario(EXAMPLE),
                       {"correlations": [{"between": b, "rho": r} for b, r in entries]})


@pytest.mark.parametrize("rho", [0.8, -0.5, 0.3])
def test_rank_correlation_is_drawn_as_asked_and_marginals_are_kept(rho):
    plain = draw_inputs(compile_model(load_scenario(EXAMPLE)), 11, 20_000)
    corr = draw_inputs(compile_model(_correlated((PAIR, rho))), 11, 20_000)
    x, y = corr["channels[0].per_day"], corr["crises.per_year"]
    # the brief asks for +/- 0.05; at 20,000 runs the draw is within 0.01 (sd ~0.005)
    assert stats.spearmanr(x, y)[0] == pytest.approx(rho, abs=0.01)
    for path in ("channels[0].per_day", "crises.per_year"):
        assert stats.ks_2samp(plain[path], corr[path]).pvalue > 0.01
        np.testing.assert_allclose(np.percentile(corr[path], [10, 50, 90]),
                                   np.percentile(plain[path], [10, 50, 90]), rtol=0.03)


def test_pearson_for_rank_inverts_the_copulas_rank_correlation():
    for rho in np.linspace(-1, 1, 21):
        r = pearson_for_rank(rho)
        assert 6 / np.pi * np.arcsin(r / 2) == pytest.approx(rho, abs=1e-12)


def test_common_random_numbers_hold_with_correlations():
    plain = draw_inputs(compile_model(load_scenario(EXAMPLE)), 5, 2000)
    one = draw_inputs(compile_model(_correlated((PAIR, 0.8))), 5, 2000)
    two = draw_inputs(compile_model(_correlated(
        (PAIR, 0.8), (["capacity.sick_days", "content.0.per_week"], -0.4))), 5, 2000)
    correlated = {"channels[0].per_day", "crises.per_year", "crises.count"}
    for path in plain:
        if path not in correlated:  # inputs outside the correlation keep their draws
            np.testing.assert_array_equal(one[path], plain[path], err_msg=path)
        if path not in correlated | {"capacity.sick_days", "content[0].per_week",
                                     "productive_hours_per_fte"}:
            np.testing.assert_array_equal(two[path], plain[path], err_msg=path)
    # an unrelated correlation leaves the first pair's draws alone
    for path in correlated:
        np.testing.assert_array_equal(two[path], one[path], err_msg=path)
    # run k is run k whatever the number of runs
    short = draw_inputs(compile_model(_correlated((PAIR, 0.8))), 5, 100)
    for path in short:
        np.testing.assert_array_equal(short[path], one[path][:100], err_msg=path)


def test_correlated_simulation_is_the_same_whatever_the_chunking():
    s = _correlated((PAIR, 0.7))
    a = simulate(s, runs=96, seed=2, chunk_runs=32)
    b = simulate(s, runs=96, seed=2, chunk_runs=96, jobs=2)
    np.testing.assert_array_equal(a.fte_total(), b.fte_total())


def test_a_rank_correlation_of_one_draws_comonotone_inputs():
    corr = draw_inputs(compile_model(_correlated((PAIR, 1.0))), 1, 5000)
    assert stats.spearmanr(corr["channels[0].per_day"], corr["crises.per_year"])[0] > 0.999


def test_both_path_forms_name_the_same_input():
    assert draw_path("channels.0.per_day") == "channels[0].per_day"
    a = draw_inputs(compile_model(_correlated((PAIR, 0.6))), 3, 500)
    b = draw_inputs(compile_model(_correlated((["channels[0].per_day", "crises.per_year"],
                                               0.6))), 3, 500)
    np.testing.assert_array_equal(a["crises.per_year"], b["crises.per_year"])


@pytest.mark.parametrize(("entries", "field", "words"), [
    ([(PAIR, 1.2)], "correlations[0].rho", "less than or equal to 1"),
    ([(PAIR, -1.01)], "correlations[0].rho", "greater than or equal to -1"),
    ([(["channels.0.per_dya", "crises.per_year"], 0.5)], "correlations[0].between",
     "no such field"),
    ([(["channels.7.per_day", "crises.per_year"], 0.5)], "correlations[0].between",
     "no such field"),
    ([(["channels.0.daily_cv", "crises.per_year"], 0.5)], "correlations[0].between",
     "fixed at 0.3"),
    ([(["channels.0.reply_within_minutes", "crises.per_year"], 0.5)],
     "correlations[0].between", "fixed"),
    ([(["channels.0.handle_minutes", "crises.per_year"], 0.5)], "correlations[0].between",
     "drawn once per run"),
    ([(["crises.severity.0.days", "crises.per_year"], 0.5)], "correlations[0].between",
     "drawn once per run"),
    ([(["coverage.weekdays", "crises.per_year"], 0.5)], "correlations[0].between",
     "a number field"),
    ([(["crises.per_year", "crises.per_year"], 0.5)], "correlations[0].between", "twice"),
    ([(["crises.per_year"], 0.5)], "correlations[0].between", "two input paths"),
    ([(PAIR, 0.5), (["crises.per_year", "channels[0].per_day"], 0.1)],
     "correlations[1].between", "each pair once"),
    ([(PAIR, 0.9), (["channels.0.per_day", "capacity.sick_days"], 0.9),
      (["crises.per_year", "capacity.sick_days"], -0.9)], "correlations[2].rho",
     "not positive definite"),
])
def test_invalid_correlation_sets_are_one_line_field_errors(entries, field, words):
    with pytest.raises(ScenarioError) as err:
        _correlated(*entries)
    assert err.value.field == field
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_fixed_input_cannot_be_correlated():
    with pytest.raises(ScenarioError, match="fixed at 3") as err:
        scenario_of(minimal(
            content=[{"format": "post", "platforms": ["X"], "per_week": 3,
                      "effort_hours": {"writer": {"low": 1, "mode": 2, "high": 4}}}],
            correlations=[{"between": ["content.0.per_week", "content.0.effort_hours.writer"],
                           "rho": 0.5}],
        ))
    assert err.value.field == "correlations[0].between"


def test_every_uncertain_per_run_field_is_drawn_by_the_engine():
    """The schema's check and the engine's draws agree: each uncertain field a correlation may
    name is drawn once per run, and no drawn input is refused."""
    s = load_scenario(EXAMPLE)
    uncertain = [d.path for d in compile_model(s).draws
                 if not isinstance(d.quantity, int | float)]
    assert uncertain
    other = "capacity.sick_days"
    for path in uncertain:
        if path != other:
            _correlated(([path, other], 0.3))  # no error


# ------------------------------------------------------------------ sensitivity


def _pert_var(low, mode, high):
    mu = (low + 4 * mode + high) / 6
    return (mu - low) * (high - mu) / 7


def test_one_dominant_input_gets_its_share_and_indices_sum_to_at_most_one():
    s = scenario_of(minimal(
        content=[{"format": "video", "platforms": ["X"],
                  "per_week": {"low": 1, "mode": 4, "high": 12},
                  "effort_hours": {"writer": 2}}],
        work=[{"task": "planning", "role": "community_manager",
               "hours_per_week": {"low": 2, "mode": 3, "high": 5}}],
    ))
    r = simulate(s, runs=4000, seed=1)
    # FTE = (2 x pieces + planning hours) x 52 / 2,080: the shares are those of the variances
    v_content, v_work = 4 * _pert_var(1, 4, 12), _pert_var(2, 3, 5)
    share = v_content / (v_content + v_work)
    rows = {x["path"]: x for x in r.summary()["sensitivity_indices"]}
    assert rows["content[0].per_week"]["first_order"] == pytest.approx(share, abs=0.03)
    assert rows["work[0].hours_per_week"]["first_order"] == pytest.approx(1 - share, abs=0.03)
    assert sum(x["first_order"] for x in rows.values()) <= 1.02
    for x in rows.values():  # an additive year: no interactions
        assert x["first_order"] <= x["total"] <= x["first_order"] + 0.02
    assert rows["content[0].per_week"]["label"] == "Content: video, per week"


def test_first_order_indices_of_the_ishigami_function():
    rng = np.random.default_rng(0)
    x = rng.uniform(-np.pi, np.pi, (3, 20_000))
    y = np.sin(x[0]) + 7 * np.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * np.sin(x[0])
    rows, _ = sensitivity({"x1": x[0], "x2": x[1], "x3": x[2]}, y)
    got = {r["path"]: r["first_order"] for r in rows}
    # the analytic first-order indices (Ishigami & Homma, a = 7, b = 0.1)
    assert got["x1"] == pytest.approx(0.3139, abs=0.02)
    assert got["x2"] == pytest.approx(0.4424, abs=0.02)
    assert got["x3"] == pytest.approx(0.0, abs=0.01)


def test_a_product_of_inputs_shows_its_interaction_in_the_total_index():
    rng = np.random.default_rng(1)
    n = 20_000
    x1, x2 = rng.normal(1, 0.5, n), rng.normal(1, 0.5, n)
    y = x1 * x2
    rows, _ = sensitivity({"a": x1, "b": x2}, y)
    # Var = mu^2 s^2 + mu^2 s^2 + s^4 = 0.25 + 0.25 + 0.0625; S1 = 0.25 / 0.5625
    for r in rows:
        assert r["first_order"] == pytest.approx(0.25 / 0.5625, abs=0.03)
        assert r["total"] == pytest.approx(0.3125 / 0.5625, abs=0.03)


def test_interaction_shares_match_scipys_sobol_indices_of_the_reduced_model():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((2, 50_000))
    residual = 0.7 * z[0] * z[1]
    pair = interaction_shares(z, residual, total_var=1.0)
    sobol = stats.sobol_indices(
        func=lambda u: 0.7 * u[0] * u[1], n=2**14,
        dists=[stats.norm(), stats.norm()], random_state=3)
    # the pair's variance is the total index less the first-order index (both 0.49 vs 0)
    assert pair[0, 1] == pytest.approx(0.49, abs=0.01)
    assert float(sobol.total_order[0] - sobol.first_order[0]) * float(np.var(
        0.7 * z[0] * z[1])) == pytest.approx(pair[0, 1], abs=0.03)


def test_an_input_that_does_not_matter_gets_no_share():
    rng = np.random.default_rng(4)
    x = rng.random(5000)
    m, s1 = conditional_means(x, rng.standard_normal(5000), 35)
    assert s1 < 0.01 and abs(m.mean()) < 1e-9


def test_bad_years_are_driven_by_the_input_that_moves_them():
    s = scenario_of(minimal(
        content=[{"format": "video", "platforms": ["X"],
                  "per_week": {"low": 1, "mode": 4, "high": 12},
                  "effort_hours": {"writer": 2}}],
        work=[{"task": "planning", "role": "community_manager",
               "hours_per_week": {"low": 2.9, "mode": 3, "high": 3.1}}],
    ))
    r = simulate(s, runs=2000, seed=2)
    bad = r.summary()["bad_year_drivers"]
    top, other = bad["drivers"]
    assert top["path"] == "content[0].per_week" and top["mean_quantile"] > 0.9
    assert other["mean_quantile"] == pytest.approx(0.5, abs=0.1)
    assert top["fte_added"] == pytest.approx(bad["excess_fte"], rel=0.05)
    assert bad["runs"] == int((r.fte_total() > np.percentile(r.fte_total(), 90)).sum())


# ------------------------------------------------------------------ outputs


def test_cli_precision_shows_the_half_width_shrinking_and_the_summary_says_so(capsys):
    import json

    from estimator.app.cli import main

    assert main(["run", NONPROFIT, "--precision", "0.006", "--seed", "1", "--jobs", "1",
                 "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    steps = [line for line in captured.err.splitlines() if line.startswith("precision:")]
    widths = [float(line.split("+/- ")[1].split()[0]) for line in steps]
    assert len(steps) >= 2 and widths[-1] <= 0.006 < widths[0]
    assert summary["precision"]["runs"] == summary["runs"] and summary["runs"] % 32 == 0
    assert summary["precision"]["half_width_fte"] <= 0.006
    assert {"p50_ci95", "p90_ci95", "p95_ci95"} <= set(summary["fte_total"])
    rows = summary["sensitivity_indices"]
    assert rows and {"path", "label", "first_order", "total"} <= set(rows[0])


def test_cli_table_says_how_sure_the_total_is(capsys):
    from estimator.app.cli import main

    assert main(["run", NONPROFIT, "--runs", "320", "--seed", "1", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "How sure: P90 " in out and "within +/- " in out and "at 95%" in out
    assert "95% intervals of total FTE: P50 " in out and "What moves it: " in out


@pytest.mark.parametrize(("argv", "words"), [
    (["--precision", "0"], "precision: expected a number above 0"),
    (["--precision", "abc"], "precision: expected a number above 0"),
    (["--max-runs", "64"], "max-runs: expected with --precision"),
    (["--precision", "0.1", "--max-runs", "10"], "max-runs: expected a whole number >= 32"),
])
def test_cli_precision_arguments_are_checked(argv, words, capsys):
    from estimator.app.cli import main

    assert main(["run", NONPROFIT, *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_sensitivity_charts_are_titled_by_their_finding_in_plain_words():
    from estimator.report import charts

    r = simulate(load_scenario(EXAMPLE), runs=640, seed=2)
    s = r.summary()
    top = s["sensitivity_indices"][0]
    ax = charts.plot_variance_shares(r)
    title = " ".join(ax.get_title(loc="left").split())
    assert f"explains {top['first_order']:.0%} of the uncertainty" in title
    assert top["label"].split(": ", 1)[-1][1:] in title
    bad = charts.plot_bad_years(r)
    bad_title = " ".join(bad.get_title(loc="left").split())
    assert bad_title.startswith("Years above the P90 need ")
    for text in (title, bad_title):
        assert "[" not in text and "channels" not in text and "_" not in text
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert all("[" not in t for t in ticks)


def test_workbook_has_the_what_moves_it_sheet(tmp_path):
    from openpyxl import load_workbook

    from estimator.report.workbook import write_workbook

    r = simulate(load_scenario(EXAMPLE), runs=320, seed=2)
    path = write_workbook(r, tmp_path / "w.xlsx")
    ws = load_workbook(path)["What moves it"]
    header = [c.value for c in ws[1]]
    assert header[0] == "Input" and "first-order" in header[1]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    s = r.summary()
    assert rows[0][1] == pytest.approx(s["sensitivity_indices"][0]["first_order"])
    assert {row[5] for row in rows} >= {x["path"] for x in s["sensitivity_indices"]}
    summary = load_workbook(path)["Summary"]
    measures = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert measures["FTE needed, P90: 95% Monte Carlo interval, low"] == pytest.approx(
        s["fte_total"]["p90_ci95"][0])


def test_the_plans_cost_has_a_batch_interval_as_wide_as_its_error():
    from estimator.engine.intervals import batch_interval

    r = simulate(load_scenario(EXAMPLE), runs=1280, seed=6)
    s = r.summary()
    low, high = s["recommended_cost_ci95"]
    assert low <= s["recommended_cost"] <= high
    # batches of runs agree with order statistics where both apply (the P90 of total FTE)
    p90 = float(np.percentile(r.fte_total(), 90))
    by_batch = batch_interval(r, lambda part: np.percentile(part.fte_total(), 90), p90)
    by_rank = percentile_interval(r.fte_total(), 90)
    ratio = (by_batch[1] - by_batch[0]) / (by_rank[1] - by_rank[0])
    assert 0.5 < ratio < 2
    assert batch_interval(simulate(load_scenario(EXAMPLE), runs=96, seed=1), len, 0) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 400), st.floats(1, 99), st.integers(0, 2**32 - 1))
def test_an_interval_holds_its_estimate_and_ends_on_runs(runs, percentile, seed):
    x = np.random.default_rng(seed).lognormal(size=runs)
    low, high = percentile_interval(x, percentile)
    estimate = float(np.percentile(x, percentile))
    if low is not None:
        assert (low in x or low == estimate) and low <= estimate
    if high is not None:
        assert (high in x or high == estimate) and estimate <= high
    r, s = percentile_ranks(runs, percentile)
    assert (r is None or 1 <= r <= runs) and (s is None or r is None or r < s <= runs)


_INPUTS = ["channels.0.per_day", "crises.per_year", "capacity.sick_days",
           "content.0.per_week", "work.0.hours_per_week", "channels.0.daily_cv", "nowhere.x"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_INPUTS), st.sampled_from(_INPUTS),
                          st.floats(-1.5, 1.5)), min_size=1, max_size=5))
def test_any_correlation_set_draws_or_is_a_one_line_field_error(entries):
    try:
        s = _correlated(*[([a, b], rho) for a, b, rho in entries])
    except ScenarioError as exc:
        assert exc.field.startswith("correlations[") and "\n" not in str(exc)
        return
    values = draw_inputs(compile_model(s), 1, 256)
    assert all(np.isfinite(v).all() for v in values.values())
    for a, b, rho in entries:
        if abs(rho) == 1:
            continue
        x, y = values[draw_path(a)], values[draw_path(b)]
        assert abs(stats.spearmanr(x, y)[0] - rho) < 0.25  # 256 runs: sd about 0.06
