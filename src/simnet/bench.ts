/**
 * Measures one running simulated network the way the bridge will load it: one user sends, another
 * user's connected client receives. Reports how fast the server accepts sends, how fast it
 * delivers them, and the delivery latency per message (send call to arrival).
 */
import type { AgentEvent, UserAgent, UserClientKit } from "./client/agent.js";
import { createAndLogin } from "./client/accounts.js";

export interface BenchmarkOptions {
  messages: number;
  /** Sends in flight at once, like a bridge sending for many rooms. */
  concurrency: number;
  /** Messages sent and awaited before measuring, so connections and JIT are warm. */
  warmup: number;
  timeoutMs: number;
}

export interface BenchmarkResult {
  network: string;
  messages: number;
  concurrency: number;
  acceptedPerSecond: number;
  deliveredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const MARK = "bench#";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Arrival times of benchmark messages, by index, and a way to wait until all of a range arrived. */
class Arrivals {
  readonly at = new Map<number, number>();
  private waiter: { upTo: number; resolve: () => void } | undefined;

  record(event: AgentEvent): void {
    if (event.kind !== "message" || !event.text?.startsWith(MARK)) return;
    const index = Number(event.text.slice(MARK.length));
    if (this.at.has(index)) return; // at-least-once: a redelivery is not a second arrival
    this.at.set(index, performance.now());
    if (this.waiter && this.at.size >= this.waiter.upTo) this.waiter.resolve();
  }

  until(count: number, timeoutMs: number): Promise<void> {
    if (this.at.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.at.size} of ${count} messages arrived within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = {
        upTo: count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

async function sendAll(agent: UserAgent, chat: string, from: number, count: number, concurrency: number, sentAt: Map<number, number>): Promise<number> {
  let next = from;
  let lastAccepted = 0;
  const worker = async () => {
    while (next < from + count) {
      const index = next++;
      sentAt.set(index, performance.now());
      await agent.send(chat, `${MARK}${index}`);
      lastAccepted = performance.now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return lastAccepted;
}

export async function benchmarkNetwork(kit: UserClientKit, url: string, adminToken: string, options: BenchmarkOptions): Promise<BenchmarkResult> {
  const sender = await createAndLogin(kit, url, adminToken, "Bench Sender");
  const receiver = await createAndLogin(kit, url, adminToken, "Bench Receiver");
  const arrivals = new Arrivals();
  const stopListening = await receiver.agent.listen((event) => arrivals.record(event));
  try {
    const chat = await sender.agent.startDirectChat(receiver.handle);
    const sentAt = new Map<number, number>();
    await sendAll(sender.agent, chat.id, 0, options.warmup, options.concurrency, sentAt);
    await arrivals.until(options.warmup, options.timeoutMs);

    const start = performance.now();
    const lastAccepted = await sendAll(sender.agent, chat.id, options.warmup, options.messages, options.concurrency, sentAt);
    await arrivals.until(options.warmup + options.messages, options.timeoutMs);

    const latencies: number[] = [];
    let lastArrival = start;
    for (let index = options.warmup; index < options.warmup + options.messages; index++) {
      const arrived = arrivals.at.get(index) ?? Number.NaN;
      latencies.push(arrived - (sentAt.get(index) ?? Number.NaN));
      lastArrival = Math.max(lastArrival, arrived);
    }
    latencies.sort((a, b) => a - b);
    return {
      network: kit.id,
      messages: options.messages,
      concurrency: options.concurrency,
      acceptedPerSecond: options.messages / ((lastAccepted - start) / 1000),
      deliveredPerSecond: options.messages / ((lastArrival - start) / 1000),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    };
  } finally {
    await stopListening();
    await Promise.all([sender.agent.close(), receiver.agent.close()]);
  }
}
