/**
 * Sends one stream's events to one realtime connection, in order, from a starting position:
 * first the backlog the client missed, then live events as they are appended. Injected delays
 * and duplicate deliveries apply here, the one place every network's realtime path goes through.
 */
import type { EventStreams, StreamEvent } from "./event-stream.js";
import type { Faults } from "./faults.js";

export interface PumpOptions {
  streams: EventStreams;
  faults: Faults;
  stream: string;
  /** The last position the client has; 0 for everything retained. */
  after: number;
  /** Writes one event to the connection, in the network's frame format. */
  send(event: StreamEvent): void;
  /** The position is older than what is retained: the client must resynchronise. */
  onGap(firstRetained: number, latest: number): void;
  /** `send` threw: the pump has stopped, and the connection should be closed. */
  onError?(error: unknown): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class StreamPump {
  private lastSent: number;
  private running = false;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: PumpOptions) {
    this.lastSent = options.after;
  }

  start(): void {
    // Subscribe before reading the backlog, so nothing appended in between is missed; events
    // already sent are skipped by sequence number.
    this.unsubscribe = this.options.streams.subscribe(this.options.stream, (event) => this.onAppended(event));
    this.kick();
  }

  /**
   * A live event, just committed. Once the backlog is sent, the next event in sequence goes out
   * at once, without reading it back from the database: the hot path of every delivery.
   */
  private onAppended(event: StreamEvent): void {
    if (!this.running && !this.stopped && event.seq === this.lastSent + 1 && this.options.faults.deliveryDelayMs === 0) {
      // Runs inside whoever appended the event; a failure here belongs to this connection only.
      try {
        this.deliver(event);
      } catch (error) {
        this.fail(error);
      }
      return;
    }
    this.kick();
  }

  private fail(error: unknown): void {
    this.stop();
    this.options.onError?.(error);
  }

  private deliver(event: StreamEvent): void {
    this.options.send(event);
    if (this.options.faults.takeDuplicate()) this.options.send(event);
    this.lastSent = event.seq;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  /** Where delivery has got to. */
  get position(): number {
    return this.lastSent;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().catch((error: unknown) => this.fail(error)).finally(() => {
      this.running = false;
      // An event appended after drain() last looked, but before this ran.
      if (this.again && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const result = this.options.streams.resume(this.options.stream, this.lastSent, 500);
        if (!result.ok) {
          this.stop();
          this.options.onGap(result.firstRetained, result.latest);
          return;
        }
        if (result.events.length === 0) break;
        for (const event of result.events) {
          if (this.stopped) return;
          const delay = this.options.faults.deliveryDelayMs;
          if (delay > 0) await sleep(delay);
          if (this.stopped) return;
          this.deliver(event);
        }
      }
    } while (this.again);
  }
}
