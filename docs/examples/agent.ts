// The guard SDK in one file (docs/guard.md explains each call). A gateway turns a human request into work; an
// agent checks it before acting, keeps notes, and waits for a human approver on a red action. Run Firebreak
// (npm start), then: FIREBREAK_TOKEN=$(cat .firebreak/admin-token) npx tsx docs/examples/agent.ts
import { createGuard, fetchRegistry, generateGuardKeys, GuardRefusal, LocalPolicy, registerAgent, registryEntry, type RegistryEntryOptions } from "../../lib/guard/index.ts";

const [api, token, run] = [process.env.FIREBREAK_URL ?? "http://localhost:3000", process.env.FIREBREAK_TOKEN ?? "", Date.now().toString(36)];
const auth = { authorization: `Bearer ${token}` };
const principal = (agentId: string, grants: Omit<RegistryEntryOptions, "agentId" | "keyId" | "publicKey">) => ({ agentId, grants, keys: generateGuardKeys(`${agentId}-k1`) });
const gw = principal(`gateway-${run}`, { kind: "gateway", capabilities: [{ intent: "Quote", to: [`pricer-${run}`] }] });
const pricer = principal(`pricer-${run}`, { capabilities: [{ intent: "place_order", to: [] }], protocols: { a2a: "0.3" } });
const alice = principal(`alice-${run}`, { kind: "approver" });

// Register the contract and the three principals (a registrar would attest them in CI), then read the registry.
await fetch(`${api}/api/v1/contracts`, { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ intent: "Quote", schema: { type: "object", required: ["sku"] } }) });
for (const p of [gw, pricer, alice]) await registerAgent({ baseUrl: api, token, entry: registryEntry({ agentId: p.agentId, ...p.keys, ...p.grants }) });
const registry = await fetchRegistry({ baseUrl: api, token, allowUnattested: true });

// One guard per principal, all obeying one policy (kills, breakers, caps: the control plane's, later).
const policy = new LocalPolicy();
const guard = (p: typeof gw) => createGuard({ ...p, registry, policy, endpoint: process.env.FIREBREAK_OTLP ?? "http://localhost:4318/v1/traces", headers: auth });
const [gateway, agent, approver] = [guard(gw), guard(pricer), guard(alice)];

const request = gateway.request("restock A-1 before the weekend");
const quote = gateway.send(pricer.agentId, "Quote", { sku: "A-1" }, { parents: [request] });
const receipt = agent.receive(quote, { depthHint: gateway.depthOf(quote.id) }); // signature, replay, skew, contract, capability
if (!receipt.accepted) throw receipt.refusal ?? new Error("refused");
const notes = agent.writeState(`${pricer.agentId}/plan`, { sku: "A-1", qty: 3 }, { parents: [quote] });
const plan = agent.readState(`${pricer.agentId}/plan`, { parents: [notes] });
const order = agent.act("place_order", "red", plan.value, { parents: [quote, plan.record] }); // held: nothing emitted yet
if (order.approvalRequest) agent.receive(approver.approve(order.approvalRequest)); // a human said yes
console.log("ordered under authority", (await order).authority);

policy.kill(pricer.agentId);
try {
  agent.send(gw.agentId, "Quote", { sku: "A-1" }, { parents: [quote] });
} catch (err) {
  if (err instanceof GuardRefusal) console.log(`refused (${err.code}): ${err.message}`);
}
for (const g of [gateway, agent, approver]) await g.shutdown(); // flushes the spans, causes first
