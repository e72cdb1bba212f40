// The agent graph benchmark's fleets (bench/ui.ts): agents in 12 teams and 3
// clusters, links mostly inside a team, 1-4 messages per link, some forged or
// replayed, about 3% of links with a tripped breaker. Seeded by PostgreSQL
// from arrays; replaces whatever records, agents and breakers were there.
import type pg from "pg";
import { Prng } from "../../lib/sim/prng.ts";

async function resetTables(db: pg.Client): Promise<void> {
  await db.query(`TRUNCATE records, breaker_states, breaker_events, agents CASCADE`);
}

/** `agents` agents in teams and clusters, `links` distinct directed links, 1-4 messages each, some failed, some breakers tripped. */
export async function seedGraph(db: pg.Client, agents: number, links: number): Promise<void> {
  await resetTables(db);
  const prng = new Prng(`bench ui graph ${agents}/${links}`);
  const ids = Array.from({ length: agents }, (_, i) => `agent-${String(i).padStart(4, "0")}`);
  await db.query(
    `INSERT INTO agents (id, display_name, kind, attested, labels)
     SELECT id, 'Agent ' || id, 'agent', (n % 9) <> 0, jsonb_build_object('team', 'team-' || (n % 12), 'cluster', 'c' || (n % 3))
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
    [ids],
  );
  // Links mostly inside a team (clustered, like real fleets), some across.
  const pairs = new Set<string>();
  const senders: string[] = [];
  const receivers: string[] = [];
  const maxLinks = agents * (agents - 1);
  while (senders.length < Math.min(links, maxLinks)) {
    const a = Math.floor(prng.next() * agents);
    const local = prng.next() < 0.8;
    const b = local ? (a + 12 * (1 + Math.floor(prng.next() * 6)) * (prng.next() < 0.5 ? 1 : -1) + agents * 10) % agents : Math.floor(prng.next() * agents);
    if (a === b) continue;
    const key = `${a}>${b}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    senders.push(ids[a]!);
    receivers.push(ids[b]!);
  }
  const rs: string[] = [];
  const rr: string[] = [];
  const rv: string[] = [];
  senders.forEach((s, i) => {
    const n = 1 + Math.floor(prng.next() * 4);
    for (let k = 0; k < n; k++) {
      rs.push(s);
      rr.push(receivers[i]!);
      const x = prng.next();
      rv.push(x < 0.01 ? "bad_signature" : x < 0.02 ? "replay" : x < 0.05 ? "unknown_intent" : "verified");
    }
  });
  for (let off = 0; off < rs.length; off += 20_000) {
    await db.query(
      `INSERT INTO records (record_id, trace_id, span_id, content_hash, kind, agent, receivers, intent, protocol, ts, nonce, payload,
                            parents, authority, signature, key_id, verdicts, verdict_details, verified, pending_on, received_at)
       SELECT 'b-' || (n + $4), lpad(to_hex(n + $4), 32, '0'), lpad(to_hex(n + $4), 16, '0'), lpad(to_hex(n + $4), 64, '0'), 'message', s, ARRAY[r], 'Bench', 'a2a/0.3',
              now() - ((n * 7) % 3600) * interval '1 second', 'n' || (n + $4), '{}', '{}', '{}', 'sig', 'k1', ARRAY[v], jsonb_build_array(jsonb_build_object('verdict', v)), v = 'verified', '{}', now()
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(s, r, v, n)`,
      [rs.slice(off, off + 20_000), rr.slice(off, off + 20_000), rv.slice(off, off + 20_000), off],
    );
  }
  // About 3% of links with a tripped breaker, of every kind.
  const now = Date.now();
  const states = ["OPEN", "HALF_OPEN", "FORCED_OPEN", "METRICS_ONLY"] as const;
  const rows: { sender: string; receiver: string; state: string; since: number; machine: unknown }[] = [];
  senders.forEach((s, i) => {
    if (prng.next() >= 0.03) return;
    const state = states[Math.floor(prng.next() * states.length)]!;
    const since = now - 60_000;
    const machine =
      state === "OPEN"
        ? { state, since, until: now + 240_000, awaitingReview: false }
        : state === "HALF_OPEN"
          ? { state, since, probesLeft: 1 }
          : state === "FORCED_OPEN"
            ? { state, since, actor: "bench", reason: "bench" }
            : { state, since, window: { buckets: [] }, streak: { count: 0, recordIds: [] }, wouldHaveTripped: 0 };
    rows.push({ sender: s, receiver: receivers[i]!, state, since, machine });
  });
  await db.query(
    `INSERT INTO breaker_states (sender, receiver, state, since, machine)
     SELECT x.sender, x.receiver, x.state, to_timestamp(x.since / 1000.0), x.machine FROM json_to_recordset($1::json) AS x(sender text, receiver text, state text, since double precision, machine jsonb)`,
    [JSON.stringify(rows)],
  );
  await db.query(`ANALYZE`);
}
