// BullMQ's no-op throughput, the reference for the job engine benchmark (README, "Job engine" → "Benchmark").
// Same shape as ours: the jobs are added from this process while ONE worker process (a child) runs them,
// measured from the first add to the last completion, latency add → completed from the job's own timestamp.
//
//   node bench.mjs --port 6379 [--password P] [--count 20000] [--warmup 1000] [--concurrency 64] [--producers 128] [--mode add|bulk]
//
// --mode add: --producers concurrent loops of queue.add (as an API adds one job per request);
// --mode bulk: queue.addBulk in chunks of 1000. Prints one JSON line with the figures, including Redis
// commands per job (INFO commandstats) and CPU time per 1000 jobs of both processes and of Redis.
import { fork } from 'node:child_process';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const connection = { host: '127.0.0.1', port: Number(option('port', '6379')), password: option('password', undefined) };
const queueName = option('queue', `bench-${process.pid}`);

if (option('role', 'producer') === 'worker') {
  runWorker();
} else {
  await runProducer();
}

// The worker process: runs jobs until it has seen `expect` completions, then reports latencies and the last completion time.
function runWorker() {
  const concurrency = Number(option('concurrency', '64'));
  let expect = 0;
  let latencies = [];
  let lastCompleted = 0;
  let cpuAtStart = process.cpuUsage();
  const worker = new Worker(queueName, async () => null, { connection, concurrency });
  worker.on('completed', (job) => {
    lastCompleted = Date.now();
    latencies.push(lastCompleted - job.timestamp);
    if (latencies.length === expect) {
      process.send({ done: true, latencies, lastCompleted, cpuMs: cpuMs(process.cpuUsage(cpuAtStart)) });
      latencies = [];
    }
  });
  process.on('message', async (message) => {
    if (message.expect) {
      expect = message.expect;
      cpuAtStart = process.cpuUsage();
    } else if (message.stop) {
      await worker.close();
      process.exit(0);
    }
  });
  worker.waitUntilReady().then(() => process.send({ ready: true }));
}

async function runProducer() {
  const count = Number(option('count', '20000'));
  const producers = Number(option('producers', '128'));
  const mode = option('mode', 'add');
  const queue = new Queue(queueName, { connection });
  await queue.waitUntilReady();
  const worker = fork(new URL(import.meta.url).pathname, [...args, '--role', 'worker', '--queue', queueName]);
  const messages = [];
  let waiting = null;
  worker.on('message', (message) => (waiting ? (waiting(message), (waiting = null)) : messages.push(message)));
  const next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => (waiting = resolve)));
  await next(); // ready

  const admin = new Redis(connection);
  const run = async (n) => {
    worker.send({ expect: n });
    const redisBefore = await redisStats(admin);
    const cpuAtStart = process.cpuUsage();
    const started = Date.now();
    if (mode === 'bulk') {
      for (let i = 0; i < n; i += 1000) {
        await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, () => ({ name: 'noop', data: {} })));
      }
    } else {
      let added = 0;
      await Promise.all(Array.from({ length: producers }, async () => {
        while (added++ < n) await queue.add('noop', {});
      }));
    }
    const enqueued = Date.now() - started;
    const { latencies, lastCompleted, cpuMs: workerCpuMs } = await next();
    const producerCpuMs = cpuMs(process.cpuUsage(cpuAtStart));
    const redisAfter = await redisStats(admin);
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
      jobsPerSecond: n / ((lastCompleted - started) / 1000), enqueuePerSecond: n / (enqueued / 1000), p50Ms: at(0.5), p99Ms: at(0.99),
      redisCommandsPerJob: (redisAfter.calls - redisBefore.calls) / n,
      producerCpuMsPerThousand: (producerCpuMs * 1000) / n, workerCpuMsPerThousand: (workerCpuMs * 1000) / n,
      redisCpuMsPerThousand: ((redisAfter.cpuMs - redisBefore.cpuMs) * 1000) / n,
    };
  };

  await run(Number(option('warmup', '1000')));
  const result = await run(count);
  worker.send({ stop: true });
  await queue.obliterate({ force: true });
  await queue.close();
  admin.disconnect();
  console.log(JSON.stringify({ mode, count, concurrency: Number(option('concurrency', '64')), producers, ...result }));
}

function cpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}

// Commands Redis ran (those inside scripts too, as for ours) and the CPU time it used.
async function redisStats(redis) {
  const commands = await redis.info('commandstats');
  const cpu = await redis.info('cpu');
  let calls = 0;
  for (const [, name, count] of commands.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info') calls += Number(count);
  }
  const seconds = (field) => Number(cpu.match(new RegExp(`^${field}:([\\d.]+)`, 'm'))[1]);
  return { calls, cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000 };
}
