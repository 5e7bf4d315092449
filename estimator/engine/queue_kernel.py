"""The queue model compiled: one run at a time, every pass over its year in the CPU's cache.

:mod:`estimator.engine.queue_model` states the model as whole-array numpy passes (the
reference, kept and checked against this module in tests/engine/test_queue_kernel.py). Those
passes are memory-bound: a queue judged at one reply capacity takes about twenty passes over
(runs x 8,736) arrays, and the search for the least capacity judges it a dozen times. Here a
run's year (8,736 float32 hours, 35 kB an array) is worked through by a compiled loop, so the
search for each run's least capacity runs in cache, and no (runs x hours) temporary is made;
a queue's messages are kept by day (:mod:`estimator.engine.arrivals`) and made by hour for
one run at a time (:func:`_hour_messages`). The search guesses each run's least capacity
from a model of how far it clears its targets (:func:`least_k_by_run`): about five
judgements a run instead of a bisection's ten, the same answer.

The arithmetic mirrors the reference operation by operation (float32 where it is float32,
float64 cumulative sums), so the shares are the same numbers; the counts of messages on time
are summed in float64, where the reference sums float32 products (a difference in the
seventh digit).

Compiled by numba on first use and cached beside the module (``cache=True``): the first run
on a new machine pays a few seconds once (measured in benchmarks/bench_engine.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from estimator.engine.calendar import HOURS_PER_WEEK

FLOAT = np.float32


#: The backlog's and the cumulative sums' passes run four stretches of the year side by
#: side: a running sum (or minimum) is a chain of dependent steps, and four independent
#: chains keep the CPU's adders busy (a third of a judgement's time, where one chain waits
#: on each addition).
CHAINS = 4


@njit(cache=True)
def _net_pass(a, c, net, length):  # pragma: no cover - compiled
    """``net`` = the running sum of ``a - c`` within each of four stretches of ``length``
    hours; returns each stretch's sum and least running sum (with 0: the stretch's start)."""
    s0 = s1 = s2 = s3 = 0.0
    m0 = m1 = m2 = m3 = 0.0
    h1, h2, h3 = length, 2 * length, 3 * length
    for i in range(length):
        s0 += np.float64(a[i]) - np.float64(c[i])
        net[i] = s0
        m0 = min(m0, s0)
        s1 += np.float64(a[h1 + i]) - np.float64(c[h1 + i])
        net[h1 + i] = s1
        m1 = min(m1, s1)
        s2 += np.float64(a[h2 + i]) - np.float64(c[h2 + i])
        net[h2 + i] = s2
        m2 = min(m2, s2)
        s3 += np.float64(a[h3 + i]) - np.float64(c[h3 + i])
        net[h3 + i] = s3
        m3 = min(m3, s3)
    return s0, s1, s2, s3, m0, m1, m2, m3


@njit(cache=True)
def _floor_pass(net, out, length, o0, o1, o2, o3, p0, p1, p2, p3):  # pragma: no cover
    """``out = max(net + o - min(running minimum, p), 0)`` in float32, four stretches side
    by side (``o`` each stretch's offset, ``p`` the floor the hours before it set)."""
    zero = np.float32(0)
    r0 = r1 = r2 = r3 = np.inf
    h1, h2, h3 = length, 2 * length, 3 * length
    for i in range(length):
        x = net[i] + o0
        r0 = min(r0, x)
        out[i] = max(np.float32(x - min(r0, p0)), zero)
        x = net[h1 + i] + o1
        r1 = min(r1, x)
        out[h1 + i] = max(np.float32(x - min(r1, p1)), zero)
        x = net[h2 + i] + o2
        r2 = min(r2, x)
        out[h2 + i] = max(np.float32(x - min(r2, p2)), zero)
        x = net[h3 + i] + o3
        r3 = min(r3, x)
        out[h3 + i] = max(np.float32(x - min(r3, p3)), zero)


@njit(cache=True)
def _backlog(a, c, net, out):  # pragma: no cover - compiled
    """Fluid FIFO backlog of one run, the year a circle (queue_model.fluid_backlog): the net
    work's running sum less its running minimum (at most 0, and at most minus what the year
    carries round into its start). The running sum is taken in four stretches side by side
    and each stretch offset by the ones before (float64: the same sums to the last digits)."""
    n = a.size
    length = n // CHAINS
    s0, s1, s2, s3, m0, m1, m2, m3 = _net_pass(a, c, net, length)
    o0, o1 = 0.0, s0
    o2 = o1 + s1
    o3 = o2 + s2
    total = o3 + s3
    low = min(min(min(m0 + o0, m1 + o1), min(m2 + o2, m3 + o3)), 0.0)
    for h in range(CHAINS * length, n):  # the hours the four stretches leave over
        total += np.float64(a[h]) - np.float64(c[h])
        net[h] = total
        low = min(low, total)
    carried = total - low
    p0 = min(0.0, -carried)
    p1 = min(p0, m0 + o0)
    p2 = min(p1, m1 + o1)
    p3 = min(p2, m2 + o2)
    rest = min(p3, m3 + o3)
    _floor_pass(net, out, length, o0, o1, o2, o3, p0, p1, p2, p3)
    running = np.inf
    for h in range(CHAINS * length, n):
        running = min(running, net[h])
        out[h] = max(np.float32(net[h] - min(running, rest)), np.float32(0))


@njit(cache=True)
def _windows(cum, n, hours, out):  # pragma: no cover - compiled
    """Work arriving in hours s .. s + hours - 1, the year a circle (queue_model.window_sums),
    from the cumulative sums ``cum`` of :func:`_fill_windows`."""
    if hours <= 0:
        out[:] = 0
        return
    for s in range(n):
        out[s] = np.float32(cum[s + hours] - cum[s])


@njit(cache=True)
def _measure(alpha, beta, lo, hi, width):  # pragma: no cover - compiled
    """Length of {u in [lo, hi]: alpha + beta u >= 0} (queue_model._measure), float32."""
    g0 = beta * lo
    g0 = g0 + alpha
    g1 = beta * hi
    g1 = g1 + alpha
    den = abs(g0) + abs(g1)
    num = max(g0, np.float32(0)) + max(g1, np.float32(0))
    share = num / den if den > 0 else np.float32(1)
    return share * width


@njit(cache=True)
def _shares(a, c_ext, b_ext, windows, whole, part, t, share):  # pragma: no cover - compiled
    """Share of each hour's messages answered within target ``t`` = ``whole + part`` hours
    (queue_model.on_time_share); ``c_ext[i] = c[i mod n]``, ``b_ext[i + 1] = backlog[i mod
    n]``, so that no index wraps."""
    n = a.size
    f_part = np.float32(part)
    f_part_1 = np.float32(part - 1.0)
    lo2 = np.float32(1.0 - part)
    one = np.float32(1.0)
    zero = np.float32(0.0)
    # views that start where the deadline falls: the loops index from 0, nothing wraps
    c_0, b_0, w_0 = c_ext[whole : whole + n], b_ext[whole : whole + n], windows[2 * t]
    for h in range(n):
        alpha = w_0[h] - b_0[h]
        if part != 0:
            alpha = alpha + f_part * c_0[h]
        share[h] = _measure(alpha, c_0[h] - a[h], zero, lo2, lo2)
    if part != 0:
        c_1, b_1, w_1 = c_ext[whole + 1 : whole + 1 + n], b_ext[whole + 1 : whole + 1 + n], \
            windows[2 * t + 1]
        for h in range(n):
            alpha = w_1[h] - b_1[h]
            alpha = alpha + f_part_1 * c_1[h]
            share[h] = share[h] + _measure(alpha, c_1[h] - a[h], lo2, one, f_part)


@njit(cache=True)
def _cumulative(a, cum):  # pragma: no cover - compiled
    """``cum[h + 1] = a[0] + ... + a[h]`` (float64), ``cum[0] = 0``: four stretches of the
    year summed side by side (:data:`CHAINS`), then each offset by the ones before."""
    n = a.size
    length = n // CHAINS
    s0 = s1 = s2 = s3 = 0.0
    h1, h2, h3 = length, 2 * length, 3 * length
    cum[0] = 0.0
    for i in range(length):
        s0 += np.float64(a[i])
        cum[i + 1] = s0
        s1 += np.float64(a[h1 + i])
        cum[h1 + i + 1] = s1
        s2 += np.float64(a[h2 + i])
        cum[h2 + i + 1] = s2
        s3 += np.float64(a[h3 + i])
        cum[h3 + i + 1] = s3
    o1 = s0
    o2 = o1 + s1
    o3 = o2 + s2
    for i in range(length):
        cum[h1 + i + 1] += o1
        cum[h2 + i + 1] += o2
        cum[h3 + i + 1] += o3
    total = o3 + s3
    for h in range(CHAINS * length, n):
        total += np.float64(a[h])
        cum[h + 1] = total


@njit(cache=True)
def _fill_windows(a, wholes, parts, cum, windows):  # pragma: no cover - compiled
    """Every target's windows of work (:func:`_windows`), from one cumulative sum of ``a``
    carried round the year's end (``cum`` has room for ``2 n + 2``)."""
    n = a.size
    _cumulative(a, cum)
    for i in range(1, min(wholes.max() + 1, n + 1) + 1):
        cum[n + i] = cum[i] + cum[n]
    for t in range(wholes.size):
        _windows(cum, n, wholes[t], windows[2 * t])
        if parts[t] != 0:
            _windows(cum, n, wholes[t] + 1, windows[2 * t + 1])


@njit(cache=True)
def _judge_row(a, c, messages, r, channel_target, wholes, parts, multiplier, has_multiplier,
               windows, net, c_ext, b_ext, share, within, weeks):  # pragma: no cover
    """Messages on target per channel (and per week when ``weeks`` > 1) for run ``r``, whose
    messages by hour are ``messages`` (channels, hours: :func:`_hour_messages`)."""
    n = a.size
    _backlog(a, c, net, b_ext[1 : n + 1])
    b_ext[0] = b_ext[n]
    for i in range(n + 1, b_ext.size):
        b_ext[i] = b_ext[i - n]
    c_ext[:n] = c
    c_ext[n:] = c[: c_ext.size - n]
    within[:] = 0.0
    for t in range(wholes.size):
        _shares(a, c_ext, b_ext, windows, wholes[t], parts[t], t, share)
        if has_multiplier[t]:
            for h in range(n):
                share[h] = share[h] * multiplier[t, r, h]
        for ch in range(channel_target.size):
            if channel_target[ch] == t:
                if weeks == 1:
                    within[ch, 0] += _dot(messages[ch], share)
                else:
                    _dot_weeks(messages[ch], share, within[ch])


@njit(cache=True)
def _hour_messages(arrivals, r, out):  # pragma: no cover - compiled
    """``out[j, h]``: run ``r``'s messages of channel j in hour h, from its day's messages /
    24 times its profile's hour-of-week weight, times 1 + the surge (the float32 steps of
    volumes.hourly and the surge: the same numbers as arrivals.Arrivals.hourly)."""
    day, profile, profiles, surge = arrivals
    n = out.shape[1]
    for j in range(out.shape[0]):
        m = out[j]
        weights = profiles[profile[j]]
        for d in range(n // 24):
            x = day[j, r, d]
            week_day = (d % 7) * 24
            for k in range(24):
                m[d * 24 + k] = x * weights[week_day + k]
        if surge.shape[1] > 1:
            for h in range(n):
                m[h] = m[h] * (np.float32(1.0) + surge[r, h])


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dot(x, y):  # pragma: no cover - compiled
    """sum x[h] y[h] in float64, in whatever order is fastest (a count of messages: its last
    digits do not matter, and it does not depend on the chunk)."""
    total = 0.0
    for h in range(x.size):
        total += np.float64(x[h]) * np.float64(y[h])
    return total


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dot_weeks(x, y, out):  # pragma: no cover - compiled
    """:func:`_dot` week by week, added to ``out``."""
    for w in range(x.size // HOURS_PER_WEEK):
        start = w * HOURS_PER_WEEK
        total = 0.0
        for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
            total += np.float64(x[start + k]) * np.float64(y[start + k])
        out[w] += total


@njit(cache=True)
def _scratch(n, wholes, arrivals):  # pragma: no cover - compiled
    """A run's working arrays: windows, cumulative sums, net work, capacity and backlog
    padded so that no index wraps, shares, the run's messages by hour."""
    pad = wholes.max() + 2
    return (np.zeros((2 * wholes.size, n), dtype=np.float32), np.zeros(2 * n + 2),
            np.zeros(n), np.zeros(n + pad, dtype=np.float32),
            np.zeros(n + pad + 1, dtype=np.float32), np.zeros(n, dtype=np.float32),
            np.zeros((arrivals[1].size, n), dtype=np.float32))


@njit(cache=True)
def on_time_by_run(work, capacity, arrivals, channel_target, wholes, parts, multiplier,
                   has_multiplier, weeks):  # pragma: no cover - compiled
    """(runs, channels, weeks) messages answered on target with this capacity."""
    runs, n = work.shape
    out = np.zeros((runs, channel_target.size, weeks))
    windows, cum, net, c_ext, b_ext, share, messages = _scratch(n, wholes, arrivals)
    for r in range(runs):
        _fill_windows(work[r], wholes, parts, cum, windows)
        _hour_messages(arrivals, r, messages)
        _judge_row(work[r], capacity[r], messages, r, channel_target, wholes, parts,
                   multiplier, has_multiplier, windows, net, c_ext, b_ext, share, out[r],
                   weeks)
    return out


@njit(cache=True, fastmath={"reassoc", "contract"})
def _roster_row(x, cov, hours, occ, cap):  # pragma: no cover - compiled
    """One run's reply capacity: each week's ``hours`` in the shape of ``x`` (every covered
    hour 0.001 more) at the occupancy cap, in service._rostered's float32 steps (the week's
    sum in float64, in whatever order is fastest)."""
    light = np.float32(1e-3)
    zero = np.float32(0)
    for w in range(x.size // HOURS_PER_WEEK):
        start = w * HOURS_PER_WEEK
        total = 0.0
        for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
            weight = x[start + k] + (light if cov[start + k] else zero)
            cap[start + k] = weight
            total += np.float64(weight)
        scale = np.float32(hours / total) if total > 0 else np.float32(0)
        for k in range(HOURS_PER_WEEK):
            cap[start + k] = (cap[start + k] * scale) * occ


@njit(cache=True)
def on_time_rostered(work, shape, covered, hours, occ, arrivals, channel_target, wholes,
                     parts):  # pragma: no cover - compiled
    """(runs, channels, weeks) messages on target when each week's ``hours[r]`` person-hours
    of a team are rostered in the shape of ``shape`` (people by hour; every covered hour
    gets 0.001 more, so that no covered hour is dark), at the occupancy cap ``occ``:
    service.current_staff's numpy statement, run by run."""
    runs, n = work.shape
    weeks = n // HOURS_PER_WEEK
    out = np.zeros((runs, channel_target.size, weeks))
    windows, cum, net, c_ext, b_ext, share, messages = _scratch(n, wholes, arrivals)
    cap = np.zeros(n, dtype=np.float32)
    no_multiplier = np.zeros((1, 1, 1), dtype=np.float32)
    flags = np.zeros(wholes.size, dtype=np.bool_)
    for r in range(runs):
        _roster_row(shape[r], covered[r if covered.shape[0] > 1 else 0], hours[r], occ, cap)
        _fill_windows(work[r], wholes, parts, cum, windows)
        _hour_messages(arrivals, r, messages)
        _judge_row(work[r], cap, messages, r, channel_target, wholes, parts, no_multiplier,
                   flags, windows, net, c_ext, b_ext, share, out[r], weeks)
    return out


@njit(cache=True)
def _capacity_at(in_hours, release, occ, k, out):  # pragma: no cover - compiled
    """Reply capacity ``(in_hours + k release) / occ x occ``, as service._Search rounds it."""
    for h in range(in_hours.size):
        p = release[h] * k
        p = p + in_hours[h]
        p = p / occ
        out[h] = p * occ


@njit(cache=True)
def _slack(r, i, k, work, in_hours, release, occ, messages, channel_target, wholes, parts,
           need, scale, windows, net, c_ext, b_ext, share, cap, within
           ):  # pragma: no cover - compiled
    """How far run ``r`` at capacity factor ``k`` clears every channel's ``need`` of messages
    on time: the least ``(on time - need) / scale`` over the channels, >= 0 when it meets
    them all (``within`` is left holding the messages on target). ``need`` and ``scale``
    are the searched rows', ``i`` run ``r``'s row among them."""
    _capacity_at(in_hours[r], release[r], occ, k, cap)
    no_multiplier = np.zeros((1, 1, 1), dtype=np.float32)
    flags = np.zeros(wholes.size, dtype=np.bool_)
    _judge_row(work[r], cap, messages, r, channel_target, wholes, parts, no_multiplier,
               flags, windows, net, c_ext, b_ext, share, within, 1)
    least = np.inf
    for ch in range(channel_target.size):
        if within[ch, 0] < need[i, ch]:  # the test the reference makes, exactly
            least = min(least, (within[ch, 0] - need[i, ch]) / scale[i, ch])
        else:
            least = min(least, max((within[ch, 0] - need[i, ch]) / scale[i, ch], 0.0))
    return least


#: The search's model of the slack: ``B - A x DECAY ** j`` (it rises towards what the team
#: could ever answer, by less at each step of k; fitted on the shipped and benchmark
#: queues). Any value finds the same j; a close one finds it in fewer judgements.
DECAY = 0.98
#: Model guesses before the search falls back to halving the bracket.
MODEL_STEPS = 4


@njit(cache=True)
def _model_guess(j_a, f_a, j_b, f_b, lo, hi, top_open):  # pragma: no cover - compiled
    """The least j where ``B - A DECAY ** j`` through two points reaches 0, inside the
    bracket (``lo < j < hi``). Where the model never reaches 0, the bracket's top if nothing
    above meets yet (``hi`` is the grid's end + 1: the run may be short everywhere), else
    halfway."""
    u_a, u_b = DECAY**j_a, DECAY**j_b
    slope = (f_a - f_b) / (u_b - u_a) if u_a != u_b else 0.0  # A
    level = f_a + slope * u_a  # B
    if slope <= 0 or level <= 0:
        return hi - 1 if top_open else (lo + hi) // 2
    root = np.log(level / slope) / np.log(DECAY)
    return int(min(max(np.ceil(root - 1e-9), lo + 1), hi - 1))


@njit(cache=True)
def _judged(j, f, lo, hi, near):  # pragma: no cover - compiled
    """The search's bracket (lo fails, hi meets) and its two judged points nearest 0 after
    judging index ``j`` at slack ``f``."""
    near_j, near_f, next_j, next_f = near
    if f >= 0:
        hi = j
    else:
        lo = j
    if abs(f) < abs(near_f):
        near_j, near_f, next_j, next_f = j, f, near_j, near_f
    elif next_j < 0 or abs(f) < abs(next_f):
        next_j, next_f = j, f
    return lo, hi, (near_j, near_f, next_j, next_f)


@njit(cache=True)
def least_k_by_run(work, in_hours, release, occ, arrivals, rows, channel_target, wholes, parts,
                   need, scale, ks, start, slack_0, last):  # pragma: no cover - compiled
    """For each run ``rows[i]``, the least grid index j >= 1 (k = ``ks[j]``) up to ``last[i]``
    whose capacity meets every channel's ``need[i]``; the messages on target there; whether
    the run is still short at ``last[i]`` (j is then ``last[i]``); and how many judgements
    it took. service._Search.least_k finds the same j by bisection: whether a j meets is
    monotone in j. ``work``, ``in_hours``, ``release`` and ``arrivals`` hold every run of the
    queue; the other arrays one row per searched run.

    ``slack_0`` is each run's slack at j = 0 if known (NaN if not). A ``last[i]`` below the
    grid's end is a limit beyond which the caller has no use for j: it is judged first, and
    a run short there is done. The search keeps a bracket (lo fails, hi meets) and guesses
    where the slack (:func:`_slack`) reaches 0 from its model (:func:`_model_guess`) through
    the two judged points nearest 0, after a first judgement at the median j of the runs
    before (``start`` for the first run: runs of one scenario need similar k); each model
    guess's neighbour towards the root is judged too, which closes the bracket when the
    guess is right. After :data:`MODEL_STEPS` guesses it halves."""
    n = work.shape[1]
    searched = rows.size
    n_ch = channel_target.size
    top = ks.size - 1
    j_out = np.zeros(searched, dtype=np.int64)
    short = np.zeros(searched, dtype=np.bool_)
    judged = np.zeros(searched, dtype=np.int64)
    within_out = np.zeros((searched, n_ch))
    windows, cum, net, c_ext, b_ext, share, messages = _scratch(n, wholes, arrivals)
    cap = np.zeros(n, dtype=np.float32)
    within = np.zeros((n_ch, 1))
    found = 0  # runs whose least j is known, for the median start
    found_j = np.zeros(searched, dtype=np.int64)
    for i in range(searched):
        r = rows[i]
        end = min(last[i], top)
        if end < 1:  # no j of use
            short[i] = True
            continue
        _fill_windows(work[r], wholes, parts, cum, windows)
        _hour_messages(arrivals, r, messages)

        def slack(j, r, i):
            judged[i] += 1
            return _slack(r, i, np.float32(ks[j]), work, in_hours, release, occ, messages,
                          channel_target, wholes, parts, need, scale, windows, net, c_ext,
                          b_ext, share, cap, within)

        def judge(j, r, i, lo, hi, near, end):
            """Judge j: the bracket and nearest points after it; the messages on target
            kept where j meets (or is the last index, short)."""
            f = slack(j, r, i)
            lo, hi, near = _judged(j, f, lo, hi, near)
            if f >= 0 or j == end:
                within_out[i] = within[:, 0]
            return f, lo, hi, near

        f_0 = slack_0[i] if not np.isnan(slack_0[i]) else slack(0, r, i)
        lo, hi = 0, end + 1  # end + 1: "meets", never judged
        near = (0, f_0, -1, np.nan)  # the two judged points nearest 0: (j, f) and (j, f)
        guess = min(max(start if found == 0 else int(np.median(found_j[:found])), 1), end)
        if end < top:
            guess = end  # a limit: a run short there needs nothing more
        steps = 0
        while hi - lo > 1:
            f, lo, hi, near = judge(guess, r, i, lo, hi, near, end)
            if hi - lo <= 1:
                break
            probe = guess - 1 if f >= 0 else guess + 1
            if 0 < steps <= MODEL_STEPS and lo < probe < hi:
                f, lo, hi, near = judge(probe, r, i, lo, hi, near, end)
                if hi - lo <= 1:
                    break
            steps += 1
            guess = _model_guess(*near, lo, hi, hi > end) if steps <= MODEL_STEPS \
                else (lo + hi) // 2
        short[i] = hi > end
        j_out[i] = min(hi, end)
        if not short[i] or end == top:
            found_j[found] = j_out[i]
            found += 1
    return j_out, within_out, short, judged


def split_targets(targets_hours: list[float]) -> tuple[NDArray, NDArray, NDArray]:
    """(index of each channel's target, whole hours, fraction of an hour) per distinct target,
    as queue_model.on_time_share splits a target."""
    distinct = list(dict.fromkeys(targets_hours))
    wholes, parts = [], []
    for target in distinct:
        whole = int(np.floor(target + 1e-9))
        part = float(target - whole)
        wholes.append(whole)
        parts.append(0.0 if part < 1e-9 else part)
    index = np.array([distinct.index(t) for t in targets_hours], dtype=np.int64)
    return index, np.array(wholes, dtype=np.int64), np.array(parts)





@njit(cache=True, fastmath={"reassoc", "contract"})
def _channel_totals(m, nc, cov, reach, weekly):  # pragma: no cover - compiled
    """One channel's hours ``m`` of one run: (its messages, those any team could answer on
    target with this coverage, those in uncovered hours); each week's added to ``weekly``.
    Sums in float64, in whatever order is fastest (counts: the last digits do not matter,
    and they never depend on the chunk)."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    total = 0.0
    b = 0.0
    u = 0.0
    for w in range(weekly.size):
        start = w * HOURS_PER_WEEK
        in_week = 0.0
        for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
            x = np.float64(m[start + k])
            in_week += x
            share = reach - nc[start + k]  # clipped to [0, 1] by selects
            share = share if share > zero else zero
            share = share if share < one else one
            b += x * np.float64(share)
            u += x * (1.0 - cov[start + k])
        total += in_week
        weekly[w] += in_week
    return total, b, u


@njit(cache=True, fastmath={"reassoc", "contract"})
def _week_sums(m, weekly):  # pragma: no cover - compiled
    """One channel's hours ``m`` of one run covered round the clock: its messages (each
    week's added to ``weekly``), as :func:`_channel_totals` sums them."""
    total = 0.0
    for w in range(weekly.size):
        in_week = 0.0
        for k in range(HOURS_PER_WEEK):  # a constant length: the loop vectorises
            in_week += np.float64(m[w * HOURS_PER_WEEK + k])
        total += in_week
        weekly[w] += in_week
    return total


@njit(cache=True)
def message_totals(messages, next_covered, covered, channel_target, targets_hours
                   ):  # pragma: no cover - compiled
    """Per run and channel the messages (channels, runs, hours), and those any team could
    answer on target with this coverage (queue_model.best_share); per run the messages that
    arrive in uncovered hours, and the messages of each week. ``next_covered`` and
    ``covered`` have one row per run, or one row for all runs."""
    n_ch, runs, n = messages.shape
    total, best = np.zeros((runs, n_ch)), np.zeros((runs, n_ch))
    uncovered, weekly = np.zeros(runs), np.zeros((runs, n // HOURS_PER_WEEK))
    for r in range(runs):
        nc = next_covered[r if next_covered.shape[0] > 1 else 0]
        cov = covered[r if covered.shape[0] > 1 else 0]
        for ch in range(n_ch):
            reach = np.float32(targets_hours[channel_target[ch]] + 1.0)
            total[r, ch], best[r, ch], u = _channel_totals(messages[ch, r], nc, cov, reach,
                                                           weekly[r])
            uncovered[r] += u
    return total, best, uncovered, weekly


@njit(cache=True)
def queue_arrivals(daily, channels, profile, profiles, handles, surge, next_covered,
                   covered, channel_target, targets_hours):  # pragma: no cover - compiled
    """A queue's messages by day, its reply work by hour, and its counts, run by run in
    cache.

    Each channel's hour is its day's messages / 24 (float32) times its profile's
    hour-of-week weight (``profiles[profile[j]]``), times the crisis surge factor
    ``1 + surge`` where ``surge`` has a row per run (volumes.hourly, then the surge, in the
    same float32 steps); the reply work is the sum of messages x handle hours (``handles``,
    float32), with the surge and without it (``work_base``). Each hour's messages are made
    in a scratch row and counted as :func:`message_totals` counts them; only their days are
    kept (arrivals.Arrivals).

    Returns the day's messages / 24 (channels, runs, days), work, work_base (runs, hours)
    and the counts.
    """
    runs = daily.shape[0]
    n_ch = channels.size
    n = next_covered.shape[1]
    days = n // 24
    has_surge = surge.shape[1] > 1
    day_24 = np.empty((n_ch, runs, days), dtype=np.float32)
    work = np.empty((runs, n), dtype=np.float32)
    work_base = np.empty((runs, n), dtype=np.float32) if has_surge else work
    total, best = np.zeros((runs, n_ch)), np.zeros((runs, n_ch))
    uncovered, weekly = np.zeros(runs), np.zeros((runs, n // HOURS_PER_WEEK))
    factor = np.empty(n, dtype=np.float32)
    m = np.empty(n, dtype=np.float32)
    for r in range(runs):
        nc = next_covered[r if next_covered.shape[0] > 1 else 0]
        cov = covered[r if covered.shape[0] > 1 else 0]
        if r == 0 or covered.shape[0] > 1:
            always = cov.all()
        wb = work_base[r]
        if has_surge:
            for h in range(n):
                factor[h] = np.float32(1.0) + surge[r, h]
        for j in range(n_ch):
            prof = profiles[profile[j]]
            for d in range(days):
                day = np.float32(daily[r, channels[j], d] * (1.0 / 24.0))
                day_24[j, r, d] = day
                week_day = (d % 7) * 24
                for k in range(24):
                    m[d * 24 + k] = day * prof[week_day + k]
            # channel by channel, so that each loop runs along the hours (and vectorises);
            # the additions per hour are in the same order as volumes' sum over the channels
            if j == 0:
                for h in range(n):
                    wb[h] = m[h] * handles[0]
            else:
                for h in range(n):
                    wb[h] = wb[h] + m[h] * handles[j]
            if has_surge:
                for h in range(n):
                    m[h] = m[h] * factor[h]
            if always:  # every message answerable on time, none in an uncovered hour
                total[r, j] = _week_sums(m, weekly[r])
                best[r, j] = total[r, j]
            else:
                reach = np.float32(targets_hours[channel_target[j]] + 1.0)
                total[r, j], best[r, j], u = _channel_totals(m, nc, cov, reach, weekly[r])
                uncovered[r] += u
        if has_surge:
            w = work[r]
            for h in range(n):
                w[h] = wb[h] * factor[h]
    return day_24, work, work_base, total, best, uncovered, weekly


__all__ = ["least_k_by_run", "message_totals", "on_time_by_run", "on_time_rostered",
           "queue_arrivals", "split_targets"]
