"""`make soak` says whether a web worker's memory stayed flat, by the definition in
docs/operations.md: after its warm-up, a least-squares slope of at most 0.3 MB a minute and
a last minute at most 3 MB over the minute after the warm-up."""

from bench.soak import FLAT_GROWTH, FLAT_SLOPE, WARMUP_SECONDS, Sample, worker_memory


def samples(rss_at, seconds=600, every=5, pid=1):
    return [Sample(t, {pid: rss_at(t)}, 1.0) for t in range(0, seconds + 1, every)]


def test_a_worker_that_levels_off_after_its_warm_up_is_flat():
    # 100 MB at the start, 140 MB by the end of the warm-up, then ±0.5 MB of noise
    figures = worker_memory(
        samples(lambda t: 100 + 40 * min(t, 100) / 100 + (0.5 if t % 10 else -0.5))
    )[1]
    assert figures["start_mb"] == 99.5
    assert figures["after_warm_up_mb"] == 140
    assert figures["end_mb"] == 140
    assert abs(figures["slope_mb_per_min"]) < 0.05
    assert figures["flat"] is True


def test_the_creep_run_5_showed_is_not_flat():
    # 141 MB → 153 MB over the ten minutes: about 1.2 MB a minute
    figures = worker_memory(samples(lambda t: 141 + 1.2 * t / 60))[1]
    assert figures["slope_mb_per_min"] == 1.2
    assert figures["growth_after_warm_up_mb"] > FLAT_GROWTH
    assert figures["flat"] is False


def test_a_slow_creep_under_the_slope_limit_still_fails_on_growth_over_a_long_run():
    minutes = 60
    creep = FLAT_SLOPE * 0.9
    figures = worker_memory(samples(lambda t: 150 + creep * t / 60, seconds=minutes * 60))[1]
    assert figures["slope_mb_per_min"] <= FLAT_SLOPE
    assert figures["growth_after_warm_up_mb"] > FLAT_GROWTH
    assert figures["flat"] is False


def test_a_worker_too_short_lived_for_a_verdict_gets_none():
    # the killed worker's life, or a replacement's, shorter than warm-up + a minute
    life = int(WARMUP_SECONDS + 30)
    figures = worker_memory(samples(lambda t: 100 + t, seconds=life, pid=7))[7]
    assert figures["flat"] is None
    assert figures["slope_mb_per_min"] is None
    assert figures["peak_mb"] == 100 + life


def test_each_worker_is_followed_by_its_own_process_id():
    # the killed worker (1) goes at 300 s, its replacement (2) takes over
    series = [
        Sample(t, ({1: 150.0} if t < 300 else {2: 90.0 + min(t - 300, 60)}) | {3: 140.0}, 1.0)
        for t in range(0, 601, 5)
    ]
    figures = worker_memory(series)
    assert (figures[1]["first_seen_s"], figures[1]["last_seen_s"]) == (0, 295)
    assert (figures[2]["first_seen_s"], figures[2]["start_mb"]) == (300, 90)
    assert figures[3]["flat"] is True
