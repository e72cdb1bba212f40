// The scenarios the simulator knows, by name.
import { procurement } from "./procurement.ts";
import { softwareDelivery } from "./software-delivery.ts";
import { synthetic } from "./synthetic.ts";
import { trading } from "./trading.ts";
import type { ScenarioDefinition } from "./types.ts";

export const SCENARIOS: readonly ScenarioDefinition[] = [procurement, softwareDelivery, trading, synthetic];

export function scenarioByName(name: string): ScenarioDefinition {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${JSON.stringify(name)}; scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  return found;
}
