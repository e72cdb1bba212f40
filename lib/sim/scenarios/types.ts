// What a scenario is: a small fleet (agents, grants, contracts), the
// behaviour of each agent, and the hooks faults use to act in its terms
// (which action an agent usually takes, where an injected instruction can
// hide, what a stolen key would be used for).
import type { GuardCaps } from "../../guard/index.ts";
import type { ActionClass } from "../../protocol/record.ts";
import type { FaultName } from "../faults/catalog.ts";
import type { AgentSpec, ContractSpec } from "../fleet.ts";
import type { SimAgent, World } from "../world.ts";
import type { JsonValue } from "../world-types.ts";

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  help: string;
}

export type ScenarioParams = Readonly<Record<string, number>>;

export interface ScenarioContext {
  namespace: string;
  seed: string;
  params: ScenarioParams;
  /** The registry id of a role. */
  id(role: string): string;
}

export interface MessageSpec {
  to: string[];
  intent: string;
  payload: JsonValue;
}

export interface ActionSpec {
  name: string;
  class: ActionClass;
  args: JsonValue;
}

export interface FaultHooks {
  /** The role each fault hits when its spec names no target; "*" means every agent the fault applies to. */
  defaultTargets: Readonly<Record<FaultName, string>>;
  /** The feed poisoned-feed poisons when its target is an agent: the one that agent reads. */
  feedOf(agent: SimAgent): string | null;
  /** An action the agent may perform (broken-authority sends it without a valid chain). */
  usualAction(agent: SimAgent): ActionSpec | null;
  /** An action the agent holds no capability for (capability-abuse, variant action). */
  forbiddenAction(agent: SimAgent): ActionSpec;
  /** A key in another agent's partition that someone reads (memory-violation). */
  memoryVictimKey(agent: SimAgent): string | null;
  /** A free-text field of the agent's messages where an instruction can hide, and an instruction its receiver would follow. */
  freeText(agent: SimAgent): { field: string; text: string } | null;
  /** The n-th record an attacker holding the agent's key sends: plausible and harmful. */
  compromise(agent: SimAgent, n: number): MessageSpec | null;
  /** Agents the feedback-loop fault amplifies when its target is "*". */
  loopAgents(world: World): SimAgent[];
}

export interface ScenarioBuild {
  agents: AgentSpec[];
  contracts: ContractSpec[];
  /** Guard caps for the fleet's policy: generous by default, so faults show up at Firebreak rather than being absorbed locally. */
  caps: GuardCaps;
}

export interface ScenarioDefinition {
  name: string;
  summary: string;
  params: Readonly<Record<string, ParamSpec>>;
  /** Simulated duration and the demo's fault schedule. */
  defaults: { duration: number; faults: readonly string[] };
  build(ctx: ScenarioContext): ScenarioBuild;
  /** Wires behaviours and schedules into the world; returns the fault hooks. */
  install(world: World, ctx: ScenarioContext): FaultHooks;
}

/**
 * The fleet's guard caps unless a run sets its own (--caps). Both sit well
 * above any healthy scenario (the synthetic fleet goes 32 layers deep), so a
 * storm or a runaway chain reaches Firebreak to be seen there rather than
 * being absorbed by the guard; the guard's defaults (3 and 5) would hold
 * most of a storm back locally, which a run can ask for to test containment.
 */
export const SIM_CAPS: GuardCaps = Object.freeze({ maxFanOut: 10_000, maxChainDepth: 64 });

/** Every simulated agent speaks A2A 0.3; the downgrade fault sends below it. */
export const A2A = Object.freeze({ a2a: "0.3" });

/**
 * Makes a scenario's agent specs: an agent of the role with no grants, the
 * sim's labels (so a run's agents can be found and cleaned up), and `rest`
 * on top. The gateway and the approver are `spec("gateway", name, { kind: "gateway" })`.
 */
export function agentSpecs(ctx: ScenarioContext, scenario: string): (role: string, displayName: string, rest?: Partial<AgentSpec>) => AgentSpec {
  const labels = { "firebreak.sim": "true", scenario, run: ctx.namespace || "none" };
  return (role, displayName, rest = {}) => ({
    role,
    id: ctx.id(role),
    kind: "agent",
    displayName,
    capabilities: [],
    memory: { read: [], write: [] },
    protocols: A2A,
    labels,
    ...rest,
  });
}

/** A JSON Schema object that refuses unknown fields: the door catches a smuggled field as schema_violation. */
export function strictObject(properties: Record<string, object>, required: readonly string[]): Record<string, unknown> {
  return { type: "object", additionalProperties: false, required: [...required], properties };
}

/** Resolves `given` against a scenario's parameter specs. Throws naming the parameter and its bounds. */
export function resolveParams(specs: Readonly<Record<string, ParamSpec>>, given: Readonly<Record<string, number>>): ScenarioParams {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(specs, name)) throw new Error(`unknown parameter ${name}; this scenario takes ${Object.keys(specs).join(", ") || "none"}`);
    const spec = specs[name] as ParamSpec;
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) throw new Error(`parameter ${name} must be between ${spec.min} and ${spec.max}, got ${value}`);
  }
  for (const [name, spec] of Object.entries(specs)) out[name] = given[name] ?? spec.default;
  return out;
}

/** A parameter's value; throws when the scenario does not define it (a programming error). */
export function param(params: ScenarioParams, name: string): number {
  const v = params[name];
  if (v === undefined) throw new Error(`scenario parameter ${name} is not defined`);
  return v;
}

/** Reads a JSON object field as a number, or `fallback`. */
export function num(value: unknown, field: string, fallback = 0): number {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return fallback;
  const v = (value as Record<string, unknown>)[field];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** Reads a JSON object field as a string, or `fallback`. */
export function str(value: unknown, field: string, fallback = ""): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return fallback;
  const v = (value as Record<string, unknown>)[field];
  return typeof v === "string" ? v : fallback;
}

/** The payload of a record as parsed JSON (null when absent or unreadable). */
export function payloadOf(rec: { payload?: string }): unknown {
  if (rec.payload === undefined) return null;
  try {
    return JSON.parse(rec.payload) as unknown;
  } catch {
    return null;
  }
}
