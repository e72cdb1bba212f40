// What Firebreak stored and decided about a run's records, fetched back for
// scoring. Over the read API: GET /api/v1/records?agent=<id>, every page, for
// each agent of the run (agent ids carry the run's namespace, so this is
// exactly the run's records, the forged ones under outsider ids included).
import { RecordsPage } from "../api/views.ts";

export interface StoredVerdict {
  id: string;
  /** Storage order: copies of one id are told apart by it. */
  seq: bigint;
  agent: string;
  verdicts: string[];
  /** Collector's clock at arrival, epoch ms. */
  receivedAt: number;
  /** The record's own timestamp (firebreak.timestamp), epoch ms: the clock the engine's findings and trips are on. */
  ts: number;
  receivers: string[];
}

export interface VerdictSource {
  /** Every stored record of these agents. */
  forAgents(agentIds: readonly string[]): Promise<StoredVerdict[]>;
}

export function apiVerdicts(target: { baseUrl: string; token: string; fetch?: typeof fetch }): VerdictSource {
  const fetchFn = target.fetch ?? fetch;
  const base = target.baseUrl.replace(/\/+$/, "");
  const page = async (agent: string, cursor: string | null): Promise<RecordsPage> => {
    const q = new URLSearchParams({ agent, limit: "500" });
    if (cursor !== null) q.set("cursor", cursor);
    const res = await fetchFn(`${base}/api/v1/records?${q}`, {
      headers: { authorization: `Bearer ${target.token}`, accept: "application/json" },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`GET /api/v1/records?agent=${agent} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const parsed = RecordsPage.safeParse(await res.json());
    if (!parsed.success) throw new Error(`GET /api/v1/records returned an unexpected shape: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  };
  return {
    async forAgents(agentIds) {
      const out: StoredVerdict[] = [];
      for (const agent of agentIds) {
        let cursor: string | null = null;
        do {
          const p: RecordsPage = await page(agent, cursor);
          for (const r of p.items) out.push({
            id: r.id,
            seq: BigInt(r.seq),
            agent: r.agent,
            verdicts: r.verdicts,
            receivedAt: Date.parse(r.receivedAt),
            ts: Date.parse(r.timestamp),
            receivers: r.receivers,
          });
          cursor = p.nextCursor;
        } while (cursor !== null);
      }
      return out;
    },
  };
}
