-- make bench (bench/server.py): wrk prints one JSON line when its run is done — requests,
-- duration, the latency percentiles (microseconds) and the error counts — which the
-- benchmark reads instead of parsing wrk's human-readable summary.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
