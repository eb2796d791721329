// One autocannon run, the same load generator for both sides of the http benchmark; prints one JSON line.
// usage: node load.mjs --url U --connections N --duration S [--method POST] [--body JSON] [--token T]
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
  headers,
  body,
});
console.log(JSON.stringify({
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
}));
