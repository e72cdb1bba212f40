// Runs the evaluator continuously: a pass whenever records are waiting (back
// to back while records keep coming; a pause of `idleMs` only after a pass
// that found none), breaker timers once a second, and a pause after an error
// so a database outage is not a busy loop. Each project has
// its own evaluator (cursor, history, breakers, baselines): one project's
// records never move another's breakers (docs/adr/0015-projects.md).
import type pg from "pg";
import { DEFAULT_PROJECT } from "../../accounts/project.ts";
import { listProjectIds } from "../../db/projects-store.ts";
import { Evaluator, type EvaluatorOptions, type PassResult } from "./evaluator.ts";
import type { LagSummary } from "./lag-stats.ts";

export interface EngineLoopOptions extends EvaluatorOptions {
  /** Pause between passes when caught up. */
  idleMs?: number;
  tickMs?: number;
  errorBackoffMs?: number;
  /** After every pass that ran (this process held the engine lock): how long it took, ms, and what it did. /metrics listens. */
  onPass?: (ms: number, result: PassResult) => void;
}

/** How often the loop looks for projects created since it started. */
const PROJECTS_EVERY_MS = 5_000;

/** One project's share of the engine's work in this process, for /metrics. */
export interface ProjectEngineStats {
  project: string;
  records: number;
  findings: number;
  transitions: number;
  /** Store-to-judged lag of this project's records, over its evaluator's latest samples. */
  lag: LagSummary;
}

export interface EngineLoop {
  /** The default project's evaluator (the others are in `evaluators`). */
  evaluator: Evaluator;
  evaluators: Map<string, Evaluator>;
  /** Counters, and the evaluation lag over the samples kept (or those since `lagSince`, ms). */
  stats(lagSince?: number): {
    passes: number;
    records: number;
    findings: number;
    transitions: number;
    errors: number;
    lastError: string | null;
    lag: LagSummary;
    timing: Evaluator["timing"];
    /** The same counters per project, and each project's own lag. */
    projects: ProjectEngineStats[];
  };
  /** Resolves once the loop has stopped (the pass in progress finishes first). */
  stop(): Promise<void>;
}

export function startEngineLoop(pool: pg.Pool, options: EngineLoopOptions = {}): EngineLoop {
  const evaluator = new Evaluator(pool, { ...options, project: DEFAULT_PROJECT });
  const evaluators = new Map<string, Evaluator>([[DEFAULT_PROJECT, evaluator]]);
  let projectsAt = 0;
  const refreshProjects = async () => {
    if (Date.now() - projectsAt < PROJECTS_EVERY_MS) return;
    projectsAt = Date.now();
    for (const project of await listProjectIds(pool)) {
      if (!evaluators.has(project)) evaluators.set(project, new Evaluator(pool, { ...options, project }));
    }
  };
  const idleMs = options.idleMs ?? 200;
  const tickMs = options.tickMs ?? 1_000;
  const backoffMs = options.errorBackoffMs ?? 1_000;
  const counts = { passes: 0, records: 0, findings: 0, transitions: 0, errors: 0, lastError: null as string | null };
  const perProject = new Map<string, { records: number; findings: number; transitions: number }>();
  const mine = (project: string) => {
    let c = perProject.get(project);
    if (!c) perProject.set(project, (c = { records: 0, findings: 0, transitions: 0 }));
    return c;
  };
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  const run = async () => {
    let lastTick = 0;
    while (!stopping) {
      try {
        await refreshProjects();
        let busy = false;
        for (const [project, one] of evaluators) {
          const started = performance.now();
          const res = await one.pass();
          if (res.ran) options.onPass?.(performance.now() - started, res);
          counts.passes++;
          counts.records += res.records;
          counts.findings += res.findings.length;
          counts.transitions += res.transitions.length;
          const p = mine(project);
          p.records += res.records;
          p.findings += res.findings.length;
          p.transitions += res.transitions.length;
          // Records keep coming: the next pass starts at once with what came during this one. Sleeping
          // between passes added up to idleMs to every record's lag; only a pass that found nothing sleeps.
          if (res.records > 0) busy = true;
        }
        if (Date.now() - lastTick >= tickMs) {
          lastTick = Date.now();
          for (const [project, one] of evaluators) {
            const n = (await one.tick()).length;
            counts.transitions += n;
            mine(project).transitions += n;
          }
        }
        if (!stopping && !busy) await sleep(idleMs);
      } catch (err) {
        counts.errors++;
        counts.lastError = (err as Error).message;
        options.log?.(`engine: ${counts.lastError}`);
        if (!stopping) await sleep(backoffMs);
      }
    }
  };
  const done = run();
  return {
    evaluator,
    evaluators,
    stats: (lagSince) => ({
      ...counts,
      lag: evaluator.lag.summary(lagSince),
      timing: { ...evaluator.timing },
      projects: [...evaluators].map(([project, one]) => ({ project, ...(perProject.get(project) ?? { records: 0, findings: 0, transitions: 0 }), lag: one.lag.summary(lagSince) })),
    }),
    async stop() {
      stopping = true;
      wake?.();
      await done;
    },
  };
}
