// The documents' own stack for the generator's hot paths (documents 002 and 003), as their authors would write it:
// Express 4, a JWT middleware with jsonwebtoken, the body validated as the documents say, and BullMQ 6.7 for the
// queue (a 60 s delay). Like the documents' server without its MongoDB: no user lookup, no job document; a
// job's status is read from BullMQ's own job hash (Job.fromId), owner-checked.
// usage: node server.mjs --port P --redis-port R --redis-password X --jwt-key K
import { randomUUID } from "node:crypto";
import express from "express";
import jwt from "jsonwebtoken";
import { Job, Queue } from "bullmq";

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(`--${name}`) + 1];
const jwtKey = option("jwt-key");
const delaySeconds = 60;
const contentTypes = ["Blog Post Outline", "Product Description", "Social Media Caption"];

const queue = new Queue("content-generation", {
  connection: { host: "127.0.0.1", port: Number(option("redis-port")), password: option("redis-password") },
});
await queue.waitUntilReady();

function protect(req, res, next) {
  const header = req.headers.authorization;
  if (!header?.startsWith("Bearer ")) return res.status(401).json({ message: "Not authorized, no token" });
  try {
    req.user = { id: jwt.verify(header.slice(7), jwtKey).id };
    next();
  } catch {
    res.status(401).json({ message: "Not authorized" });
  }
}

function status(job) {
  if (job.failedReason && job.finishedOn) return "failed";
  if (job.finishedOn) return "completed";
  return job.processedOn ? "processing" : "queued";
}

const app = express();
app.use(express.json());

app.post("/generate-content", protect, async (req, res) => {
  const { prompt, contentType } = req.body ?? {};
  if (!prompt || !contentType) return res.status(400).json({ message: "Please provide prompt and contentType" });
  if (!contentTypes.includes(contentType)) {
    return res.status(400).json({ message: `Invalid content type. Must be one of: ${contentTypes.join(", ")}` });
  }
  try {
    const jobId = randomUUID();
    const now = Date.now();
    await queue.add("generate", { jobId, userId: req.user.id, prompt, contentType, createdAt: now },
      { jobId, delay: delaySeconds * 1000 });
    const scheduledFor = new Date(now + delaySeconds * 1000);
    res.status(202).json({
      message: "Content generation job queued successfully",
      jobId,
      status: "queued",
      delaySeconds,
      scheduledFor,
      estimatedCompletionTime: new Date(scheduledFor.getTime() + 30_000),
    });
  } catch {
    res.status(500).json({ message: "Server error" });
  }
});

app.get("/generate-content/:jobId", protect, async (req, res) => {
  try {
    const job = await Job.fromId(queue, req.params.jobId);
    if (!job || job.data.userId !== req.user.id) return res.status(404).json({ message: "Job not found" });
    const { jobId, prompt, contentType, createdAt } = job.data;
    const body = { jobId, status: status(job), contentType, prompt, scheduledFor: new Date(job.timestamp + job.delay), createdAt: new Date(createdAt) };
    if (body.status === "completed") Object.assign(body, { generatedContent: job.returnvalue, completedAt: new Date(job.finishedOn) });
    if (body.status === "failed") body.error = job.failedReason;
    res.json(body);
  } catch {
    res.status(500).json({ message: "Server error" });
  }
});

app.listen(Number(option("port")), "127.0.0.1", () => console.log("listening"));
