// Two clocks, kept apart on purpose.
//
// Simulated time (ms since the run began) drives everything the scenario
// means: when agents wake, which cycle a quote belongs to, when a fault
// fires. It is what the fault schedule and the ground truth speak in, so a
// seed reproduces the same run at any speed.
//
// Record time is what goes into firebreak.timestamp, and the collector judges
// it against its own wall clock (the skew check, 300 s by default). So:
//  - live mode: record time is the real wall clock at the moment of emission,
//    and the runner paces simulated time against it at `speed` simulated ms
//    per real ms (3600 = one simulated hour per second; Infinity = as fast as
//    the collector takes it). Timestamps are therefore always fresh, however
//    fast the simulation runs; a payload's `cycle` and `simTime` carry the
//    simulated meaning.
//    With `stamps: "simulated"` (chaos), record time is instead the wall
//    clock at the start plus simulated time, so it follows the scenario: a
//    15-minute cycle is 15 minutes apart in record time however fast it was
//    replayed, and the engine's per-cycle caps and rate baselines (which
//    measure record time) see the fleet's real rhythm. Such stamps run ahead
//    of the wall clock, up to the run's simulated length: the collector must
//    allow that much skew (FIREBREAK_SKEW_MS, docs/simulator.md), and the
//    guards judge with the same clock and window.
//  - virtual mode: nothing waits, and record time is `anchor + simulated
//    time`. Fully reproducible (timestamps and signatures included), for
//    unit tests and offline data sets; such records are stale to a live
//    collector unless the anchor is now and the run is short.
// docs/simulator.md says the same for users.

export type ClockMode = "live" | "virtual";
/** What firebreak.timestamp follows in live mode: the wall clock (default), or simulated time from the run's start. */
export type StampMode = "wall" | "simulated";

/** The wall clock and a way to wait on it: injectable so tests need not sleep. */
export interface Wall {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realWall: Wall = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SimClockOptions {
  mode: ClockMode;
  /** Simulated ms per real ms in live mode; Infinity runs unpaced. */
  speed?: number;
  /** Epoch ms of simulated time 0 in virtual mode (and for simulated stamps in live mode; default: the wall clock now). */
  anchor?: number;
  /** Live mode: record time from the wall clock (default) or from simulated time. */
  stamps?: StampMode;
  wall?: Wall;
  /** Stops waiting for the wall clock (the run is being stopped). */
  signal?: AbortSignal;
  /**
   * Live mode: pace only from this simulated time on (a warm-up runs
   * unpaced), after `before` resolves (chaos waits there for the engine to
   * have judged the warm-up, so it acts on the fault in real time).
   */
  pacedFrom?: number;
  before?: () => Promise<void>;
}

/** Longest single sleep while pacing, so a stop is noticed promptly. */
const MAX_SLEEP_MS = 250;

/** 2026-01-01T00:00:00Z: the default virtual anchor, so virtual runs need no clock at all. */
export const DEFAULT_ANCHOR = Date.UTC(2026, 0, 1);

export class SimClock {
  readonly mode: ClockMode;
  readonly speed: number;
  readonly stamps: StampMode;
  private readonly wall: Wall;
  private readonly signal: AbortSignal | undefined;
  private sim = 0;
  private realStart: number | null = null;
  private lastStamp = 0;
  private anchorAt: number | null;
  private readonly pacedFrom: number;
  private readonly before: (() => Promise<void>) | undefined;

  constructor(options: SimClockOptions) {
    this.mode = options.mode;
    this.speed = options.speed ?? Infinity;
    if (!(this.speed > 0)) throw new RangeError(`speed must be positive, got ${this.speed}`);
    this.wall = options.wall ?? realWall;
    this.stamps = this.mode === "virtual" ? "simulated" : (options.stamps ?? "wall");
    this.anchorAt = options.anchor ?? (this.mode === "live" ? null : DEFAULT_ANCHOR);
    this.signal = options.signal;
    this.pacedFrom = options.pacedFrom ?? 0;
    this.before = options.before;
  }

  /** Epoch ms of simulated time 0 for record time: in live mode, unless given, the wall clock when the run first asks. */
  get anchor(): number {
    return (this.anchorAt ??= this.wall.now());
  }

  /** Simulated ms since the start of the run. */
  now(): number {
    return this.sim;
  }

  /** Moves simulated time forward to `simMs` (never back), waiting for the wall clock in paced live mode. */
  async advanceTo(simMs: number): Promise<void> {
    if (simMs < this.sim) return;
    // Simulated stamps start from the wall clock when the run starts, not when it was built.
    if (this.anchorAt === null) this.anchorAt = this.wall.now();
    this.sim = simMs;
    if (this.mode !== "live" || this.speed === Infinity || simMs < this.pacedFrom) return;
    if (this.realStart === null) {
      await this.before?.();
      this.realStart = this.wall.now();
    }
    const due = this.realStart + (simMs - this.pacedFrom) / this.speed;
    for (let wait = due - this.wall.now(); wait > 1 && this.signal?.aborted !== true; wait = due - this.wall.now()) {
      await this.wall.sleep(Math.min(wait, MAX_SLEEP_MS));
    }
  }

  /** Simulated time is paced against the wall clock now (live, finite speed, past the unpaced warm-up). */
  paced(): boolean {
    return this.mode === "live" && this.speed !== Infinity && this.sim >= this.pacedFrom && this.realStart !== null;
  }

  /** Epoch ms for the next record's firebreak.timestamp; never goes backwards. */
  stamp(): number {
    const t = this.stamps === "wall" ? this.wall.now() : this.anchor + this.sim;
    this.lastStamp = Math.max(this.lastStamp, t);
    return this.lastStamp;
  }

  /** The wall clock (real time in live mode; the stamp clock in virtual mode). For measuring, not for records. */
  wallNow(): number {
    return this.mode === "live" ? this.wall.now() : this.anchor + this.sim;
  }
}
