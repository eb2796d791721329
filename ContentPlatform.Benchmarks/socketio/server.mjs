// The documents' own Socket.IO server, as its authors would write it: socket.io 4.8.4, the JWT (HS256) checked in
// a middleware, each socket in its user's room, and job_completed emitted to the room for each terminal job event
// our Worker publishes on Redis (the same channel and message the Api reads).
// usage: node server.mjs --port P --redis-port R --redis-password X --channel <prefix>user-events --jwt-key K
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "socket.io";
import Redis from "ioredis";

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(`--${name}`) + 1];
const jwtKey = option("jwt-key");

function verify(token) {
  const [header, payload, signature] = String(token ?? "").split(".");
  if (!signature) return null;
  const expected = createHmac("sha256", jwtKey).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  return claims.exp * 1000 > Date.now() ? claims : null;
}

const http = createServer();
const io = new Server(http, { cors: { origin: "http://localhost:3000" } });
io.use((socket, next) => {
  const claims = verify(socket.handshake.auth?.token);
  if (!claims) return next(new Error("Not authorized"));
  socket.data.userId = claims.id;
  next();
});
io.on("connection", (socket) => socket.join(socket.data.userId));

const redis = new Redis({ port: Number(option("redis-port")), password: option("redis-password") });
await redis.subscribe(option("channel"));
redis.on("message", (_, message) => {
  // "eventId\njobId\ntype\nprevious\ndata"
  const [, , type, , ...rest] = message.split("\n");
  const data = JSON.parse(rest.join("\n"));
  if (data.kind !== "generate-content" || (type !== "succeeded" && type !== "failed")) return;
  const payload = { userId: data.userId, jobId: data.jobId, status: type === "succeeded" ? "completed" : "failed" };
  if (type === "succeeded") payload.generatedContent = data.result?.generatedContent;
  else payload.error = data.error;
  payload.completedAt = data.completedAt;
  io.to(data.userId).emit("job_completed", payload);
});

http.listen(Number(option("port")), "127.0.0.1", () => console.log("listening"));
