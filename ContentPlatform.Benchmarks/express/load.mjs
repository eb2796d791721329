// One autocannon run, the same load generator for both sides of the http benchmark; prints one JSON line.
// usage: node load.mjs --url U --connections N --duration S [--warmup S] [--method POST] [--body JSON] [--token T]
// With --warmup, autocannon first runs the same load for that long, unmeasured, then opens its connections afresh for the
// measured run. In a fresh node process the first half second of requests waited on node compiling autocannon itself:
// their latencies were the load generator's start (GET /alive, which does nothing, showed them too), not the server's.
import autocannon from "autocannon";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const body = option("body");
const headers = { authorization: `Bearer ${option("token")}` };
if (body) headers["content-type"] = "application/json";

const result = await autocannon({
  url: option("url"),
  method: option("method", "GET"),
  connections: Number(option("connections", "100")),
  duration: Number(option("duration", "10")),
  ...(Number(option("warmup", "0")) > 0 ? { warmup: { connections: Number(option("connections", "100")), duration: Number(option("warmup")) } } : {}),
  headers,
  body,
});
console.log(JSON.stringify({
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  warmupRequests: result.warmup?.requests.total ?? 0,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
}));
