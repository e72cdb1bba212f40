// The collector's view of whether PostgreSQL can take writes. After a commit
// fails because the database is away (lib/db/db-errors.ts) the gate closes:
// requests get 503 + Retry-After at the door, without being decoded or
// verified. Once the delay has passed one request is let through as a trial
// (a real batch, so a disk that accepts reads but not writes is tested for
// what matters); its commit reopens the gate, its failure keeps it shut.
import type { DatabaseUnavailableReason } from "../db/db-errors.ts";

export type GateState = "up" | "down" | "trial";

export interface GatePass {
  /** The batch committed: the database takes writes. */
  committed(): void;
  /** The commit failed because the database is away. */
  unavailable(reason: DatabaseUnavailableReason): void;
  /** The request ended without reaching a verdict on the database (bad input, a worker error). Idempotent. */
  done(): void;
}

export interface GateRefusal {
  reason: DatabaseUnavailableReason;
  retryAfterSeconds: number;
}

export class DatabaseGate {
  private state: GateState = "up";
  private reason: DatabaseUnavailableReason = "connection";
  private retryAt = 0;
  private since = 0;
  /** How many times the gate closed, and requests it refused while closed. */
  outages = 0;
  refused = 0;

  constructor(
    private readonly retryAfterMs: number,
    private readonly log: (line: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get status(): { state: GateState; reason: DatabaseUnavailableReason | null; downForMs: number } {
    return { state: this.state, reason: this.state === "up" ? null : this.reason, downForMs: this.state === "up" ? 0 : this.now() - this.since };
  }

  /** A pass through the gate, or why not. */
  enter(): GatePass | GateRefusal {
    if (this.state === "down" && this.now() >= this.retryAt) {
      this.state = "trial";
      return this.pass(true);
    }
    if (this.state !== "up") {
      this.refused++;
      return { reason: this.reason, retryAfterSeconds: Math.max(1, Math.ceil((this.retryAt - this.now()) / 1000)) };
    }
    return this.pass(false);
  }

  private pass(trial: boolean): GatePass {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    return {
      committed: () =>
        settle(() => {
          if (this.state !== "up") this.log(`collector: the database takes writes again after ${Math.round((this.now() - this.since) / 1000)} s`);
          this.state = "up";
        }),
      unavailable: (reason) =>
        settle(() => {
          if (this.state === "up") {
            this.outages++;
            this.since = this.now();
            this.log(`collector: database unavailable (${reason}); answering 503 with Retry-After until it is back`);
          }
          this.state = "down";
          this.reason = reason;
          this.retryAt = this.now() + this.retryAfterMs;
        }),
      // A trial that proved nothing hands the next request the trial.
      done: () => settle(() => {
        if (trial && this.state === "trial") this.state = "down";
      }),
    };
  }
}

export function isGateRefusal(x: GatePass | GateRefusal): x is GateRefusal {
  return "retryAfterSeconds" in x;
}
