// One socket.io-client as a frontend uses it, driven by the Socket.IO tests: prints each thing it sees as a JSON line.
// usage: node client.mjs <url> [--token <jwt>] [--websocket-only] [--ack]
import { io } from "socket.io-client";

const [url, ...rest] = process.argv.slice(2);
const option = (name) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const token = option("--token");

const print = (event, fields = {}) => console.log(JSON.stringify({ event, ...fields }));

const socket = io(url, {
  auth: token === undefined ? undefined : { token },
  transports: rest.includes("--websocket-only") ? ["websocket"] : ["polling", "websocket"],
  reconnectionDelay: 200,
  reconnectionDelayMax: 1000,
});
const transport = () => socket.io.engine?.transport?.name;

socket.io.on("open", () => {
  print("open", { transport: transport() });
  socket.io.engine.on("upgrade", (t) => print("upgrade", { transport: t.name }));
  socket.io.engine.on("ping", () => print("ping", { transport: transport() }));
});
socket.io.on("reconnect", (attempt) => print("reconnect", { attempt }));
socket.on("connect", () => {
  print("connect", { id: socket.id, transport: transport() });
  if (rest.includes("--ack")) {
    socket.timeout(10000).emit("hello", "world", (err, ...args) => print("ack", { error: err?.message ?? null, args }));
  }
});
socket.on("connect_error", (err) => print("connect_error", { message: err.message }));
socket.on("disconnect", (reason) => print("disconnect", { reason }));
socket.on("job_completed", (data) => print("job_completed", { data, transport: transport() }));

process.on("SIGTERM", () => {
  socket.close();
  process.exit(0);
});
