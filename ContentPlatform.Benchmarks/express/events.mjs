// The documents' own stack for live job events over SSE, as their authors would write it: Express 4, the JWT checked
// with jsonwebtoken (?token=, since EventSource sends no headers), the open responses kept per user and per job, and
// each terminal job event our Worker publishes on Redis (the same channel and message the Api reads) written to them:
// `job_completed` on GET /events, `complete` on GET /api/v1/jobs/:jobId/stream (after `connected`, then the stream
// ends). Like server.mjs, no database: a job stream is not owner-checked.
// usage: node events.mjs --port P --redis-port R --redis-password X --channel <prefix>user-events --jwt-key K
import express from "express";
import jwt from "jsonwebtoken";
import Redis from "ioredis";

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(`--${name}`) + 1];
const jwtKey = option("jwt-key");
const byUser = new Map();
const byJob = new Map();

function follow(map, key, res) {
  if (!map.has(key)) map.set(key, new Set());
  map.get(key).add(res);
  res.on("close", () => {
    const set = map.get(key);
    set?.delete(res);
    if (set?.size === 0) map.delete(key);
  });
}

function open(req, res) {
  try {
    const { id } = jwt.verify(req.query.token, jwtKey);
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    res.write("retry: 3000\n\n");
    return id;
  } catch {
    res.status(401).json({ message: "Not authorized" });
    return null;
  }
}

const app = express();
app.get("/events", (req, res) => {
  const userId = open(req, res);
  if (userId) follow(byUser, userId, res);
});
app.get("/api/v1/jobs/:jobId/stream", (req, res) => {
  if (!open(req, res)) return;
  res.write(`event: connected\ndata: ${JSON.stringify({ jobId: req.params.jobId, status: "running" })}\n\n`);
  follow(byJob, req.params.jobId, res);
});

const redis = new Redis({ port: Number(option("redis-port")), password: option("redis-password") });
await redis.subscribe(option("channel"));
redis.on("message", (_, message) => {
  // "eventId\njobId\ntype\nprevious\ndata"
  const [id, , type, , ...rest] = message.split("\n");
  const data = JSON.parse(rest.join("\n"));
  if (type !== "succeeded" && type !== "failed") return;
  const completed = { userId: data.userId, jobId: data.jobId, status: type === "succeeded" ? "completed" : "failed" };
  if (type === "succeeded") completed.generatedContent = data.result?.generatedContent;
  else completed.error = data.error;
  completed.completedAt = data.completedAt;
  const event = `id: ${id}\nevent: job_completed\ndata: ${JSON.stringify(completed)}\n\n`;
  for (const res of byUser.get(data.userId) ?? []) res.write(event);
  const end = type === "succeeded"
    ? `id: ${id}\nevent: complete\ndata: ${JSON.stringify({ jobId: data.jobId, status: type, result: data.result, completedAt: data.completedAt })}\n\n`
    : `id: ${id}\nevent: failed\ndata: ${JSON.stringify({ jobId: data.jobId, status: type, error: data.error, completedAt: data.completedAt })}\n\n`;
  for (const res of byJob.get(data.jobId) ?? []) res.end(end);
});

app.listen(Number(option("port")), "127.0.0.1", () => console.log("listening"));
