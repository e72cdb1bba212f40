// A running Firebreak as the simulator sees it: registry over the API,
// records to the collector, verdicts back over the API.
import type { FirebreakConnection } from "./chaos.ts";
import { registerFleetViaApi } from "./register.ts";
import { otlpSink } from "./sink.ts";
import { REGISTRY_SETTLE_MS, type FirebreakTarget } from "./target.ts";
import { apiVerdicts } from "./verdicts.ts";

export function apiConnection(target: FirebreakTarget): FirebreakConnection {
  const api = { baseUrl: target.apiBase, token: target.token };
  return {
    register: (fleet) => registerFleetViaApi(api, fleet),
    registryReady: () => new Promise((resolve) => setTimeout(resolve, REGISTRY_SETTLE_MS)),
    sink: () => otlpSink(target.collector, target.token),
    verdicts: apiVerdicts(api),
    allowUnattested: target.allowUnattested,
    ...(target.registrar ? { registrar: target.registrar } : {}),
  };
}
