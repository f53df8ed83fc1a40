/**
 * Group commit for the send path. The sends that arrive in one turn of the event loop are stored
 * in one SQLite transaction, each in a savepoint of its own: a refused send rolls back alone,
 * the others commit together, and every caller is answered only after the commit, so an answer
 * still means "stored". Under load this divides the cost of a commit (its WAL writes and locks)
 * by the number of sends in the batch; alone, a send waits one event-loop turn.
 */
import type { SimnetDatabase } from "./database.js";
import type { EventStreams } from "./event-stream.js";
import { ProtocolError } from "./protocol-error.js";

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: ProtocolError };

export class GroupCommit {
  private queue: Job[] = [];
  /** Inside the batch's transaction, better-sqlite3 runs this as a savepoint. */
  private readonly savepoint: (work: () => unknown) => unknown;

  constructor(
    db: SimnetDatabase,
    private readonly streams: EventStreams,
  ) {
    this.savepoint = db.transaction((work: () => unknown) => work());
  }

  /**
   * Runs `work` in the next batch. `work` must refuse (throw a ProtocolError) before it appends
   * any event: a savepoint rollback undoes its rows, but events it appended would still be told
   * to listeners. Any other error fails the whole batch, which rolls everything back.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.queue;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.streams.transaction(() =>
        jobs.map((job): Outcome => {
          try {
            return { ok: true, value: this.savepoint(job.work) };
          } catch (error) {
            if (error instanceof ProtocolError) return { ok: false, error };
            throw error;
          }
        }),
      );
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.ok ? jobs[i]!.resolve(outcome.value) : jobs[i]!.reject(outcome.error)));
  }
}
