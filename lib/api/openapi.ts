// The OpenAPI 3.1 description of /api/v1, generated from the same zod
// schemas the routes parse with and the dashboard reads with, so the
// document cannot drift from the code. OpenAPI 3.1 schemas are JSON Schema
// 2020-12, which is zod's default target.
import { z } from "zod";
import { AgentInput, AgentView, ContractInput, ContractView } from "../registry/schema.ts";
import { AgentIdParams, AgentsListQuery, ContractIntentParams, RecordIdParams, RecordsQuery, WindowQuery } from "./params.ts";
import { AgentsSummaryResponse, EdgesResponse, ErrorView, RecordDetail, RecordsPage, RecordView } from "./views.ts";
import {
  CreatedTokenView,
  CreateTokenBody,
  CreateUserBody,
  IdParams,
  PrincipalView,
  ResetPasswordBody,
  RevokedSessionsView,
  SessionView,
  SignedOutView,
  SignInBody,
  SignInView,
  TokensResponse,
  TokenView,
  UpdateUserBody,
  UsersResponse,
  UserView,
} from "./account-views.ts";
import { SpanDetailView, SpanIdParams, TraceIdParams, TraceQuery, TraceView } from "./trace-views.ts";
import { TraceSummaryQuery, TraceSummaryView } from "./trace-summary-views.ts";
import {
  BlastRadiusView,
  BreakerEventsQuery,
  BreakerEventsResponse,
  BreakerOperationBody,
  BreakerOperationView,
  BreakersQuery,
  BreakersResponse,
  CompromiseImpactQuery,
  CompromiseImpactView,
  CompromiseMarkBody,
  CompromiseMarksQuery,
  CompromiseMarkView,
  DeletedView,
  FindingsPage,
  FindingsQuery,
  LineageRecordQuery,
  MarkIdParams,
  OriginView,
  RecordMarkBody,
  RecordMarksQuery,
  RecordMarkView,
  StateOriginQuery,
  StateOriginView,
} from "./engine-views.ts";
import { ActivityQuery, ActivityView, OverviewQuery, OverviewView, TimelineQuery, TimelineView } from "./fleet-views.ts";
import { ControlPolicyQuery, ControlPolicyView, KillSwitchBody, KillSwitchesResponse, KillSwitchIdParams, KillSwitchReasonBody, KillSwitchView } from "./control-views.ts";
import { LineageClearanceView, LineageQuery, QuarantineBody, QuarantineIdParams, QuarantineReasonBody, QuarantinesResponse, QuarantineView } from "./containment-views.ts";
import { GraphColumns } from "./graph-columns.ts";
import { GraphQuery, GraphResponse } from "./graph-views.ts";
import {
  DeliveriesQuery,
  WebhookCreateBody,
  WebhookCreatedView,
  WebhookDeliveriesPage,
  WebhookIdParams,
  WebhookUpdateBody,
  WebhookView,
  WebhooksResponse,
} from "./webhook-views.ts";
import { ApprovalDetail, ApprovalGetQuery, ApprovalIdParams, ApprovalsList, ApprovalsQuery, ApprovalView, DecisionBody, FileApprovalBody } from "./approval-views.ts";
import { AuditPage, AuditQuery, AuditVerifyView, CheckpointResult } from "./audit-views.ts";
import { RecordsExportQuery } from "./export-params.ts";
import { CreateProjectBody, ProjectsResponse, ProjectView } from "../accounts/project.ts";
import { ProjectIdParams, ProjectRetentionView, RetentionBody } from "./retention-views.ts";
import { DsseEnvelopeView } from "../reports/bundle-schema.ts";
import { IncidentDetail, IncidentIdParams, IncidentNoteBody, IncidentNoteView, IncidentsPage, IncidentsQuery, IncidentSummaryView, ResolveIncidentBody } from "./incident-views.ts";

type JsonSchema = Record<string, unknown>;
type Io = "input" | "output";

/** Collects named schemas under components.schemas and hands out $refs to them. */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  ref(schema: z.ZodType, io: Io, name?: string): JsonSchema {
    const generated = z.toJSONSchema(schema, { io, unrepresentable: "any", reused: "inline" }) as JsonSchema;
    const { $schema: _schema, $defs, ...body } = generated;
    for (const [defName, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.schemas[defName] ??= rewriteRefs(def) as JsonSchema;
    }
    const id = name ?? metaId(schema);
    if (id === undefined) return rewriteRefs(body) as JsonSchema;
    this.schemas[id] ??= rewriteRefs(body) as JsonSchema;
    return { $ref: `#/components/schemas/${id}` };
  }

  /** One OpenAPI parameter per property of a query or path schema. */
  parameters(schema: z.ZodObject, where: "query" | "path"): JsonSchema[] {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, prop]) => {
      const { description, ...rest } = prop;
      return {
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        ...(typeof description === "string" ? { description } : {}),
        schema: rest,
      };
    });
  }
}

function metaId(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema);
  return typeof meta?.id === "string" ? meta.id : undefined;
}

function rewriteRefs(value: unknown): unknown {
  // Iterative: schemas can nest deeply, and recursion has no place in house traversals.
  const root: { v: unknown } = { v: structuredClone(value) };
  const stack: unknown[] = [root.v];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
    } else if (node !== null && typeof node === "object") {
      const obj = node as Record<string, unknown>;
      if (typeof obj.$ref === "string" && obj.$ref.startsWith("#/$defs/")) obj.$ref = `#/components/schemas/${obj.$ref.slice("#/$defs/".length)}`;
      for (const child of Object.values(obj)) stack.push(child);
    }
  }
  return root.v;
}

const json = (schema: JsonSchema) => ({ "application/json": { schema } });

function build(): JsonSchema {
  const c = new Components();
  const error = c.ref(ErrorView, "output");
  const errorResponse = (description: string) => ({ description, content: json(error) });
  const read = {
    "401": errorResponse("No or wrong credentials, a revoked or expired token, or an ended session."),
    "403": errorResponse("The caller's role is below the one this operation needs (the message names both), or an ingest-only token."),
    "500": errorResponse("Internal error; the server log has the details."),
  };
  const write = {
    ...read,
    "400": errorResponse("The body, query or path failed validation; `details` says where."),
    "403": errorResponse(
      "The caller's role is below the one this operation needs (the message names both); a read-scope or ingest-only token; a cookie-authenticated change without a valid `x-csrf-token` header; or a cross-site request.",
    ),
    "413": errorResponse("Body larger than 1 MiB."),
    "415": errorResponse("Body not sent as application/json."),
  };
  const ok = (schema: JsonSchema, description = "OK") => ({ description, content: json(schema) });
  const body = (schema: JsonSchema) => ({ required: true, content: json(schema) });
  const secured = [{ bearer: [] }, { session: [] }];

  const agentView = c.ref(AgentView, "output", "AgentView");
  const agentInput = c.ref(AgentInput, "input", "AgentInput");
  const contractView = c.ref(ContractView, "output", "ContractView");
  const contractInput = c.ref(ContractInput, "input", "ContractInput");

  const paths = {
    "/api/v1/session": {
      get: {
        operationId: "whoAmI",
        summary: "The caller: name, role (viewer, analyst, oncall, admin), and how they signed in. The dashboard hides controls by it.",
        tags: ["session"],
        responses: { "200": ok(c.ref(PrincipalView, "output")), ...read },
      },
      post: {
        operationId: "signIn",
        summary:
          "Sign in with `name` and `password`, or with the admin `token`; sets session cookies (fb_session, HttpOnly; fb_csrf, readable by the page). Failed attempts are limited per account and per client address.",
        tags: ["session"],
        security: [],
        requestBody: body(c.ref(SignInBody, "input")),
        responses: {
          "200": ok(c.ref(SignInView, "output"), "Signed in; cookies set."),
          "400": errorResponse("Neither name and password nor a token in the body."),
          "401": errorResponse("Wrong user name or password, or not the admin token."),
          "403": errorResponse("Cross-site request."),
          "429": { ...errorResponse("Too many failed sign-ins for this account or address; `Retry-After` and the message say when to try again."), headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds." } } },
        },
      },
      delete: {
        operationId: "signOut",
        summary: "Sign out: the server ends this browser's session and the cookies are cleared.",
        tags: ["session"],
        security: [],
        responses: { "200": ok(c.ref(SignedOutView, "output")) },
      },
    },
    "/api/v1/session/oidc": {
      get: {
        operationId: "startSingleSignOn",
        summary:
          "Single sign-on (OpenID Connect, authorization code with PKCE): redirects the browser to the identity provider, with `next` (a path on this site) kept for afterwards. Configured with FIREBREAK_OIDC_* (docs/accounts.md).",
        tags: ["session"],
        security: [],
        parameters: [{ name: "next", in: "query", required: false, schema: { type: "string" }, description: "Where to go after signing in; only paths on this site are honoured." }],
        responses: {
          "302": { description: "To the identity provider's sign-in page; sets the short-lived fb_oidc cookie (HttpOnly, SameSite=Lax)." },
          "404": errorResponse("Single sign-on is not configured."),
          "503": errorResponse("Single sign-on is misconfigured, or the provider's configuration cannot be read; the message says which."),
        },
      },
    },
    "/api/v1/session/oidc/callback": {
      get: {
        operationId: "finishSingleSignOn",
        summary:
          "Where the identity provider sends the browser back. Checks state, PKCE, nonce and the ID token, maps the provider's groups to a role (FIREBREAK_OIDC_ROLES), creates or updates the user by issuer and subject, and signs the browser in. Every outcome is audited.",
        tags: ["session"],
        security: [],
        responses: {
          "200": { description: "Signed in: session cookies set, and a page that continues to `next`.", content: { "text/html": { schema: { type: "string" } } } },
          "303": { description: "Refused: to /login?sso_error=<provider|flow|token|no_role|name_taken|disabled>, which says what to do; the audit trail has the details." },
          "404": errorResponse("Single sign-on is not configured."),
          "503": errorResponse("Single sign-on is misconfigured, or the provider cannot be reached."),
        },
      },
    },
    "/api/v1/session/tokens": {
      get: {
        operationId: "listMyTokens",
        summary: "The caller's own API tokens (secrets are never shown again).",
        tags: ["tokens"],
        responses: { "200": ok(c.ref(TokensResponse, "output")), ...read },
      },
    },
    "/api/v1/users": {
      get: {
        operationId: "listUsers",
        summary: "Every user account, active first. Admin.",
        tags: ["users"],
        responses: { "200": ok(c.ref(UsersResponse, "output")), ...read },
      },
      post: {
        operationId: "createUser",
        summary: "Create a user with a role and a first password (argon2id-hashed). Admin; audited.",
        tags: ["users"],
        requestBody: body(c.ref(CreateUserBody, "input")),
        responses: { "201": ok(c.ref(UserView, "output"), "Created."), "409": errorResponse("A user with this name exists."), ...write },
      },
    },
    "/api/v1/users/{id}": {
      get: {
        operationId: "getUser",
        summary: "One user account. Admin.",
        tags: ["users"],
        parameters: c.parameters(IdParams, "path"),
        responses: { "200": ok(c.ref(UserView, "output")), "404": errorResponse("No user has this id."), ...read },
      },
      patch: {
        operationId: "updateUser",
        summary: "Change a user's role, or disable them (their sessions end and their tokens stop) or enable them. Admin; audited.",
        tags: ["users"],
        parameters: c.parameters(IdParams, "path"),
        requestBody: body(c.ref(UpdateUserBody, "input")),
        responses: { "200": ok(c.ref(UserView, "output")), "404": errorResponse("No user has this id."), "409": errorResponse("The change would leave no active admin."), ...write },
      },
    },
    "/api/v1/users/{id}/password": {
      put: {
        operationId: "resetPassword",
        summary: "Set a new password for a user; their sessions end. Admin; audited.",
        tags: ["users"],
        parameters: c.parameters(IdParams, "path"),
        requestBody: body(c.ref(ResetPasswordBody, "input")),
        responses: { "200": ok(c.ref(UserView, "output")), "404": errorResponse("No user has this id."), ...write },
      },
    },
    "/api/v1/users/{id}/sessions": {
      get: {
        operationId: "listUserSessions",
        summary: "Where a user is signed in: live sessions with address and browser. Admin.",
        tags: ["users"],
        parameters: c.parameters(IdParams, "path"),
        responses: { "200": ok({ type: "object", properties: { items: { type: "array", items: c.ref(SessionView, "output") } }, required: ["items"] }), "404": errorResponse("No user has this id."), ...read },
      },
      delete: {
        operationId: "revokeUserSessions",
        summary: "Sign a user out everywhere. Admin; audited.",
        tags: ["users"],
        parameters: c.parameters(IdParams, "path"),
        responses: { "200": ok(c.ref(RevokedSessionsView, "output")), "404": errorResponse("No user has this id."), ...write },
      },
    },
    "/api/v1/tokens": {
      get: {
        operationId: "listTokens",
        summary: "Every API token and ingest key with scope, role ceiling, owner and last use; revoked ones last. Admin.",
        tags: ["tokens"],
        responses: { "200": ok(c.ref(TokensResponse, "output")), ...read },
      },
      post: {
        operationId: "createToken",
        summary:
          "Create an API token: scope `read` (viewer), `control` (up to oncall) or `ingest` (collector only; an ingest key per environment). The secret is in this answer only; only its SHA-256 is stored. Admin; audited.",
        tags: ["tokens"],
        requestBody: body(c.ref(CreateTokenBody, "input")),
        responses: { "201": ok(c.ref(CreatedTokenView, "output"), "Created; copy `token` now."), "404": errorResponse("No user has the owner id."), ...write },
      },
    },
    "/api/v1/projects": {
      get: {
        operationId: "listProjects",
        summary: "Every project (tenant). Each request acts on one: an API token on its own, anyone else on the one named by the x-firebreak-project header, the `project` query parameter or the fb_project cookie (default `default`).",
        tags: ["projects"],
        responses: { "200": ok(c.ref(ProjectsResponse, "output")), ...read },
      },
      post: {
        operationId: "createProject",
        summary: "Create a project: its agents, keys, records, breakers and incidents are its own. Admin; audited.",
        tags: ["projects"],
        requestBody: body(c.ref(CreateProjectBody, "input")),
        responses: { "201": ok(c.ref(ProjectView, "output"), "Created."), "409": errorResponse("A project has this id already."), ...write },
      },
    },
    "/api/v1/projects/{id}/retention": {
      get: {
        operationId: "getProjectRetention",
        summary:
          "How many days the project keeps its records and spans: its own period (`source: project`) or the instance default FIREBREAK_RETENTION_DAYS (`source: default`). Evidence of an incident not yet resolved and exported is kept whatever the period. Admin.",
        tags: ["projects"],
        parameters: c.parameters(ProjectIdParams, "path"),
        responses: { "200": ok(c.ref(ProjectRetentionView, "output")), "404": errorResponse("No project has this id."), ...read },
      },
      put: {
        operationId: "setProjectRetention",
        summary:
          "Set the project's retention period in whole days (1 to 3650), or `null` to follow the instance default. The storage maintainer applies it at its next pass (every 5 minutes by default). Admin; audited (`project.retention`, with the old and new period).",
        tags: ["projects"],
        parameters: c.parameters(ProjectIdParams, "path"),
        requestBody: body(c.ref(RetentionBody, "input")),
        responses: { "200": ok(c.ref(ProjectRetentionView, "output")), "404": errorResponse("No project has this id."), ...write },
      },
    },
    "/api/v1/tokens/{id}": {
      delete: {
        operationId: "revokeToken",
        summary: "Revoke a token: /api/v1 refuses it at once, the collector within FIREBREAK_INGEST_TOKEN_TTL_MS (5 s). Admins revoke any; others their own. Audited.",
        tags: ["tokens"],
        parameters: c.parameters(IdParams, "path"),
        responses: { "200": ok(c.ref(TokenView, "output")), "404": errorResponse("No token has this id."), ...write },
      },
    },
    "/api/v1/records": {
      get: {
        operationId: "listRecords",
        summary: "Records, newest first (by record timestamp), with filters and keyset pagination.",
        tags: ["records"],
        parameters: c.parameters(RecordsQuery, "query"),
        responses: { "200": ok(c.ref(RecordsPage, "output")), "400": errorResponse("A filter, the cursor or the limit is invalid."), ...read },
      },
    },
    "/api/v1/records/{id}": {
      get: {
        operationId: "getRecord",
        summary: "Every stored record with this firebreak id, with verdicts and their details.",
        tags: ["records"],
        parameters: c.parameters(RecordIdParams, "path"),
        responses: { "200": ok(c.ref(RecordDetail, "output")), "404": errorResponse("No record has this id."), ...read },
      },
    },
    "/api/v1/traces/{traceId}": {
      get: {
        operationId: "getTrace",
        summary: "Every span of a trace (up to 250,000, or `limit`, earliest first; after `after`, the window that follows an earlier answer's `next`) as columns, with the records among them and their verdicts. Attributes are left out: fetch them per span.",
        tags: ["records"],
        parameters: [...c.parameters(TraceIdParams, "path"), ...c.parameters(TraceQuery, "query")],
        responses: { "200": ok(c.ref(TraceView, "output")), "400": errorResponse("The trace id is not 32 hex characters, the limit is not a whole number from 1 to 250,000, or `after` is not an earlier answer's `next`."), "404": errorResponse("No span or record in this trace (after the cursor, when given)."), ...read },
      },
    },
    "/api/v1/traces/{traceId}/summary": {
      get: {
        operationId: "getTraceSummary",
        summary: "The whole trace at a glance, however much of it a client has paged in: spans, rows, records by verdict, kind and agent, start and end, and the density of rows and of failed, doubtful and error entries in `bins` equal slices of its time, with the earliest of each slice's worst to jump to.",
        tags: ["records"],
        parameters: [...c.parameters(TraceIdParams, "path"), ...c.parameters(TraceSummaryQuery, "query")],
        responses: { "200": ok(c.ref(TraceSummaryView, "output")), "400": errorResponse("The trace id is not 32 hex characters, or bins is not a whole number from 1 to 2,000."), "404": errorResponse("No span or record in this trace."), ...read },
      },
    },
    "/api/v1/traces/{traceId}/spans/{spanId}": {
      get: {
        operationId: "getTraceSpan",
        summary: "One span's attributes and, for a record, every stored copy of its id with the signed payload and verdict details.",
        tags: ["records"],
        parameters: c.parameters(SpanIdParams, "path"),
        responses: { "200": ok(c.ref(SpanDetailView, "output")), "400": errorResponse("A malformed trace or span id."), "404": errorResponse("No such span in this trace."), ...read },
      },
    },
    "/api/v1/edges": {
      get: {
        operationId: "listEdges",
        summary: "Per sender -> receiver of message records in a window: totals, verdict counts, verified share, last seen.",
        tags: ["summaries"],
        parameters: c.parameters(WindowQuery, "query"),
        responses: { "200": ok(c.ref(EdgesResponse, "output")), "400": errorResponse("Invalid window."), ...read },
      },
    },
    "/api/v1/agents/summary": {
      get: {
        operationId: "agentsSummary",
        summary: "Per agent (registered, or seen sending in the window): records sent, verified share, verdict counts, last seen.",
        tags: ["summaries"],
        parameters: c.parameters(WindowQuery, "query"),
        responses: { "200": ok(c.ref(AgentsSummaryResponse, "output")), "400": errorResponse("Invalid window."), ...read },
      },
    },
    "/api/v1/graph": {
      get: {
        operationId: "agentGraph",
        summary: "The agent graph over a window: agents as nodes, sender -> receiver links with verified / unverified / forged-or-replayed counts and each link's breaker state; `at` replays a past window.",
        tags: ["summaries"],
        parameters: c.parameters(GraphQuery, "query"),
        responses: {
          "200": ok({ oneOf: [c.ref(GraphResponse, "output"), c.ref(GraphColumns, "output")] }, "GraphResponse; GraphColumns with `format=columns`."),
          "400": errorResponse("Invalid window, label, format, or an `at` in the future."),
          ...read,
        },
      },
    },
    "/api/v1/overview": {
      get: {
        operationId: "fleetOverview",
        summary: "Fleet health for the overview: edges and agents by breaker state, open incidents by severity, records, verdicts and findings per time bucket, and the agents whose findings reach furthest.",
        tags: ["summaries"],
        parameters: c.parameters(OverviewQuery, "query"),
        responses: { "200": ok(c.ref(OverviewView, "output")), "400": errorResponse("Invalid window."), ...read },
      },
    },
    "/api/v1/activity": {
      get: {
        operationId: "activity",
        summary: "One agent's (`agent`) or one edge's (`sender` and `receiver`) records, verified and failed records, and findings per time bucket over a window.",
        tags: ["summaries"],
        parameters: c.parameters(ActivityQuery, "query"),
        responses: { "200": ok(c.ref(ActivityView, "output")), "400": errorResponse("Invalid window, or neither an agent nor a whole edge named."), ...read },
      },
    },
    "/api/v1/timeline": {
      get: {
        operationId: "timeline",
        summary: "Findings (with their record's receivers and stored parameters) and breaker transitions (kill switch included) in a window, oldest first, for the anomaly timeline.",
        tags: ["findings"],
        parameters: c.parameters(TimelineQuery, "query"),
        responses: { "200": ok(c.ref(TimelineView, "output")), "400": errorResponse("Invalid window or agent."), ...read },
      },
    },
    "/api/v1/agents": {
      get: {
        operationId: "listAgents",
        summary: "Registry entries.",
        tags: ["registry"],
        parameters: c.parameters(AgentsListQuery, "query"),
        responses: { "200": ok({ type: "array", items: agentView }), ...read },
      },
      post: {
        operationId: "registerAgent",
        summary: "Register an agent. An attestation, when given, is checked against the registrar keys.",
        tags: ["registry"],
        requestBody: body(agentInput),
        responses: { "201": ok(agentView, "Registered."), "409": errorResponse("An agent with this id exists: PUT to replace it."), ...write },
      },
    },
    "/api/v1/agents/{id}": {
      get: {
        operationId: "getAgent",
        summary: "One registry entry. (The id `summary` is shadowed by /api/v1/agents/summary.)",
        tags: ["registry"],
        parameters: c.parameters(AgentIdParams, "path"),
        responses: { "200": ok(agentView), "404": errorResponse("No agent has this id."), ...read },
      },
      put: {
        operationId: "updateAgent",
        summary: "Replace a registry entry. The body's `id` may be left out; when given it must match the path.",
        tags: ["registry"],
        parameters: c.parameters(AgentIdParams, "path"),
        requestBody: body(agentInput),
        responses: { "200": ok(agentView), "404": errorResponse("No agent has this id."), ...write },
      },
    },
    "/api/v1/contracts": {
      get: {
        operationId: "listContracts",
        summary: "Every message contract.",
        tags: ["registry"],
        responses: { "200": ok({ type: "array", items: contractView }), ...read },
      },
      put: {
        operationId: "putContract",
        summary: "Create or replace the contract (payload JSON Schema) of an intent.",
        tags: ["registry"],
        requestBody: body(contractInput),
        responses: { "200": ok(contractView), ...write },
      },
    },
    "/api/v1/contracts/{intent}": {
      get: {
        operationId: "getContract",
        summary: "One contract.",
        tags: ["registry"],
        parameters: c.parameters(ContractIntentParams, "path"),
        responses: { "200": ok(contractView), "404": errorResponse("No contract for this intent."), ...read },
      },
    },
    "/api/v1/lineage/origin": {
      get: {
        operationId: "lineageOrigin",
        summary: "Upstream from a record: the origins (flagged, nothing flagged above them), one shortest path to each with the edge kind and PROV term of every step, and why each step is suspect.",
        tags: ["lineage"],
        parameters: c.parameters(LineageRecordQuery, "query"),
        responses: { "200": ok(c.ref(OriginView, "output")), "400": errorResponse("No record, or invalid bounds; `details` names the parameter."), "404": errorResponse("No record has this id."), ...read },
      },
    },
    "/api/v1/lineage/blast-radius": {
      get: {
        operationId: "lineageBlastRadius",
        summary: "Downstream from a record: every descendant with why it is tainted, counts by kind and by agent, the time span, and the tainted share of decisions (actions and state writes).",
        tags: ["lineage"],
        parameters: c.parameters(LineageRecordQuery, "query"),
        responses: {
          "200": ok(c.ref(BlastRadiusView, "output")),
          "400": errorResponse("No record, or invalid bounds; `details` names the parameter."),
          "404": errorResponse("No record has this id and none refers to it."),
          ...read,
        },
      },
    },
    "/api/v1/lineage/state-origin": {
      get: {
        operationId: "lineageStateOrigin",
        summary: "The origin of the version of a state key current at a time (default: the latest version).",
        tags: ["lineage"],
        parameters: c.parameters(StateOriginQuery, "query"),
        responses: { "200": ok(c.ref(StateOriginView, "output")), "400": errorResponse("No key, or invalid `at` or bounds."), "404": errorResponse("The key has no state.write at or before `at`."), ...read },
      },
    },
    "/api/v1/marks/compromise": {
      get: {
        operationId: "listCompromiseMarks",
        summary: "Agents and keys marked compromised, oldest mark first.",
        tags: ["marks"],
        parameters: c.parameters(CompromiseMarksQuery, "query"),
        responses: { "200": ok({ type: "array", items: c.ref(CompromiseMarkView, "output") }), ...read },
      },
      post: {
        operationId: "createCompromiseMark",
        summary: "Mark an agent, or one of its keys, compromised from a time on. Its records from then on are suspect in every later lineage answer. The reason and the caller are stored.",
        tags: ["marks"],
        requestBody: body(c.ref(CompromiseMarkBody, "input")),
        responses: { "201": ok(c.ref(CompromiseMarkView, "output"), "Marked."), "404": errorResponse("No such agent, or no such key of the agent."), ...write },
      },
    },
    "/api/v1/marks/compromise/{id}": {
      get: {
        operationId: "getCompromiseMark",
        summary: "One compromise mark.",
        tags: ["marks"],
        parameters: c.parameters(MarkIdParams, "path"),
        responses: { "200": ok(c.ref(CompromiseMarkView, "output")), "404": errorResponse("No mark has this id."), ...read },
      },
      delete: {
        operationId: "deleteCompromiseMark",
        summary: "Withdraw a compromise mark made in error; lineage answers change at once.",
        tags: ["marks"],
        parameters: c.parameters(MarkIdParams, "path"),
        responses: { "200": ok(c.ref(DeletedView, "output")), "404": errorResponse("No mark has this id."), ...write },
      },
    },
    "/api/v1/marks/compromise/{id}/impact": {
      get: {
        operationId: "compromiseImpact",
        summary: "What a compromise mark taints: the records it covers and everything downstream of them.",
        tags: ["marks"],
        parameters: [...c.parameters(MarkIdParams, "path"), ...c.parameters(CompromiseImpactQuery, "query")],
        responses: { "200": ok(c.ref(CompromiseImpactView, "output")), "400": errorResponse("Invalid bounds."), "404": errorResponse("No mark has this id."), ...read },
      },
    },
    "/api/v1/marks/records": {
      get: {
        operationId: "listRecordMarks",
        summary: "Records analysts marked suspect, oldest mark first.",
        tags: ["marks"],
        parameters: c.parameters(RecordMarksQuery, "query"),
        responses: { "200": ok({ type: "array", items: c.ref(RecordMarkView, "output") }), ...read },
      },
      post: {
        operationId: "createRecordMark",
        summary: "Mark a stored record suspect; it and everything downstream is tainted in later lineage answers. The reason and the caller are stored.",
        tags: ["marks"],
        requestBody: body(c.ref(RecordMarkBody, "input")),
        responses: { "201": ok(c.ref(RecordMarkView, "output"), "Marked."), "404": errorResponse("No record has this id."), ...write },
      },
    },
    "/api/v1/marks/records/{id}": {
      delete: {
        operationId: "deleteRecordMark",
        summary: "Withdraw an analyst's mark.",
        tags: ["marks"],
        parameters: c.parameters(MarkIdParams, "path"),
        responses: { "200": ok(c.ref(DeletedView, "output")), "404": errorResponse("No mark has this id."), ...write },
      },
    },
    "/api/v1/findings": {
      get: {
        operationId: "listFindings",
        summary: "Anomaly, cap and verification findings, newest first or highest impact first, with filters and keyset pagination.",
        tags: ["findings"],
        parameters: c.parameters(FindingsQuery, "query"),
        responses: { "200": ok(c.ref(FindingsPage, "output")), "400": errorResponse("A filter, the order, the cursor or the limit is invalid."), ...read },
      },
    },
    "/api/v1/breakers": {
      get: {
        operationId: "listBreakers",
        summary: "The current state of every edge's circuit breaker: since when, when an OPEN one lets a probe through, whether it waits for review, failure counts.",
        tags: ["breakers"],
        parameters: c.parameters(BreakersQuery, "query"),
        responses: { "200": ok(c.ref(BreakersResponse, "output")), "400": errorResponse("Unknown state."), ...read },
      },
    },
    "/api/v1/breakers/events": {
      get: {
        operationId: "listBreakerEvents",
        summary: "Breaker transitions, newest first, each with its cause, the records that caused it, a sentence and the actor.",
        tags: ["breakers"],
        parameters: c.parameters(BreakerEventsQuery, "query"),
        responses: { "200": ok(c.ref(BreakerEventsResponse, "output")), "400": errorResponse("Unknown cause, or invalid times or limit."), ...read },
      },
    },
    "/api/v1/breakers/operate": {
      post: {
        operationId: "operateBreaker",
        summary: "A human action on one edge's breaker: force_open (kill switch), release, dry_run, enforce, review (with a decision) or reset. The reason and the caller are stored on the event.",
        tags: ["breakers"],
        requestBody: body(c.ref(BreakerOperationBody, "input")),
        responses: { "200": ok(c.ref(BreakerOperationView, "output")), "409": errorResponse("The action does not apply in the breaker's state; `message` says why."), ...write },
      },
    },
    "/api/v1/kill-switches": {
      get: {
        operationId: "listKillSwitches",
        summary: "Kill switches in force (who, why, when), a kill-all awaiting a second on-call, and the last ones lifted, cancelled or lapsed.",
        tags: ["control"],
        responses: { "200": ok(c.ref(KillSwitchesResponse, "output")), ...read },
      },
      post: {
        operationId: "createKillSwitch",
        summary:
          "Kill an agent, an edge (sender -> receiver) or every agent with a label, at once; guards refuse its traffic within a second. `scope: all` only requests a kill-all, which a second, different on-call must confirm in time. The reason and the caller are stored as an event and in the audit trail.",
        tags: ["control"],
        requestBody: body(c.ref(KillSwitchBody, "input")),
        responses: {
          "201": ok(c.ref(KillSwitchView, "output"), "Killed (state active), or a kill-all requested (state pending, with expiresAt)."),
          "409": errorResponse("That target is already killed, or a kill-all already awaits confirmation; `message` names the switch."),
          ...write,
        },
      },
    },
    "/api/v1/kill-switches/{id}/confirm": {
      post: {
        operationId: "confirmKillAll",
        summary: "A second on-call confirms a pending kill-all; from then every guard refuses everything.",
        tags: ["control"],
        parameters: c.parameters(KillSwitchIdParams, "path"),
        requestBody: body(c.ref(KillSwitchReasonBody, "input")),
        responses: {
          "200": ok(c.ref(KillSwitchView, "output"), "Confirmed: the kill-all is active."),
          "404": errorResponse("No kill switch has this id."),
          "409": errorResponse("The caller requested it (two different on-calls are needed), it lapsed, or it is not a pending kill-all."),
          ...write,
        },
      },
    },
    "/api/v1/kill-switches/{id}/lift": {
      post: {
        operationId: "liftKillSwitch",
        summary: "Lift a kill switch in force, or cancel a pending kill-all. The reason and the caller are recorded.",
        tags: ["control"],
        parameters: c.parameters(KillSwitchIdParams, "path"),
        requestBody: body(c.ref(KillSwitchReasonBody, "input")),
        responses: {
          "200": ok(c.ref(KillSwitchView, "output"), "Lifted (or cancelled)."),
          "404": errorResponse("No kill switch has this id."),
          "409": errorResponse("Already lifted, cancelled or lapsed."),
          ...write,
        },
      },
    },
    "/api/v1/control/policy": {
      get: {
        operationId: "getControlPolicy",
        summary:
          "The enforcement policy guards obey: kill switches merged with every edge's breaker state, with its version. With `after`, a long poll: answers as soon as the version is above it, or after `wait` seconds with the current one.",
        tags: ["control"],
        parameters: c.parameters(ControlPolicyQuery, "query"),
        responses: { "200": ok(c.ref(ControlPolicyView, "output")), "400": errorResponse("`after` or `wait` is invalid."), ...read },
      },
    },
    "/api/v1/control/lineage": {
      get: {
        operationId: "getLineageClearance",
        summary:
          "The lineage gate (docs/guard.md): may an action descending from these records run? `tainted` when something upstream failed verification, was marked by a person or compromised, or is an anomalous record the control plane contained (its edge's breaker refuses, its edge or agent is killed); `pending` until every record asked about is stored, settled and judged by the engine; `clear` otherwise, within the walk's bounds (64 hops, 5,000 records). Guards ask before a held red action runs, and before the classes they gate.",
        tags: ["control"],
        parameters: c.parameters(LineageQuery, "query"),
        responses: { "200": ok(c.ref(LineageClearanceView, "output")), "400": errorResponse("`records` is missing, empty or names more than 32 ids."), ...read },
      },
    },
    "/api/v1/quarantines": {
      get: {
        operationId: "listQuarantines",
        summary: "State keys quarantined (guards neither read nor write them): by the engine, when a write descends from a record it contained, or by a person; and the last ones lifted.",
        tags: ["control"],
        responses: { "200": ok(c.ref(QuarantinesResponse, "output")), ...read },
      },
      post: {
        operationId: "createQuarantine",
        summary: "Quarantine a state key by hand: within a second every guard refuses to read or write it. The reason and the caller are stored and in the audit trail.",
        tags: ["control"],
        requestBody: body(c.ref(QuarantineBody, "input")),
        responses: { "201": ok(c.ref(QuarantineView, "output"), "Quarantined."), "409": errorResponse("The key is already quarantined; `message` names the quarantine."), ...write },
      },
    },
    "/api/v1/quarantines/{id}/lift": {
      post: {
        operationId: "liftQuarantine",
        summary: "Lift a quarantine once the key's value is repaired: guards read and write it again. Only a person lifts one; the reason and the caller are in the audit trail.",
        tags: ["control"],
        parameters: c.parameters(QuarantineIdParams, "path"),
        requestBody: body(c.ref(QuarantineReasonBody, "input")),
        responses: {
          "200": ok(c.ref(QuarantineView, "output"), "Lifted."),
          "404": errorResponse("No quarantine has this id."),
          "409": errorResponse("Already lifted."),
          ...write,
        },
      },
    },
    "/api/v1/control/stream": {
      get: {
        operationId: "streamControlPolicy",
        summary:
          "Server-sent events. `event: policy` (id: the version, data: the ControlPolicy document) on connect and for every new version; `event: heartbeat` (data: {version, at}) every 5 s. Send Last-Event-ID to resume without the document being sent again.",
        tags: ["control"],
        parameters: [{ name: "Last-Event-ID", in: "header", required: false, description: "The last version received.", schema: { type: "string" } }],
        responses: {
          "200": { description: "An event stream that stays open.", content: { "text/event-stream": { schema: { type: "string" } } } },
          ...read,
        },
      },
    },
    "/api/v1/incidents": {
      get: {
        operationId: "listIncidents",
        summary: "Incidents (findings grouped by shared lineage): open first, then by severity, then by latest activity; merged ones only with `status=merged`.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentsQuery, "query"),
        responses: { "200": ok(c.ref(IncidentsPage, "output")), "400": errorResponse("A filter, the cursor or the limit is invalid."), ...read },
      },
    },
    "/api/v1/incidents/{id}": {
      get: {
        operationId: "getIncident",
        summary: "One incident: its findings, a timeline (findings, breaker transitions among its agents, its own events), agents, notes, audit events, related incidents.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        responses: { "200": ok(c.ref(IncidentDetail, "output")), "404": errorResponse("No incident has this id."), ...read },
      },
    },
    "/api/v1/incidents/{id}/acknowledge": {
      post: {
        operationId: "acknowledgeIncident",
        summary: "An analyst is on it. From then on the incident is never merged with another, only linked. The caller is recorded.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        responses: {
          "200": ok(c.ref(IncidentSummaryView, "output")),
          "404": errorResponse("No incident has this id."),
          "409": errorResponse("Already acknowledged, resolved, or merged into another incident; `message` says what to do."),
          ...write,
        },
      },
    },
    "/api/v1/incidents/{id}/resolve": {
      post: {
        operationId: "resolveIncident",
        summary: "Close the incident with how it was dealt with. The caller and the reason are recorded.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        requestBody: body(c.ref(ResolveIncidentBody, "input")),
        responses: {
          "200": ok(c.ref(IncidentSummaryView, "output")),
          "404": errorResponse("No incident has this id."),
          "409": errorResponse("Already resolved, or merged into another incident; `message` says what to do."),
          ...write,
        },
      },
    },
    "/api/v1/incidents/{id}/notes": {
      post: {
        operationId: "addIncidentNote",
        summary: "An analyst's note, signed with the caller; welcome on resolved incidents too.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        requestBody: body(c.ref(IncidentNoteBody, "input")),
        responses: {
          "201": ok(c.ref(IncidentNoteView, "output"), "Noted."),
          "404": errorResponse("No incident has this id."),
          "409": errorResponse("The incident was merged into another; the message names it."),
          ...write,
        },
      },
    },
    "/api/v1/webhooks": {
      get: {
        operationId: "listWebhooks",
        summary: "Alert destinations, each with its last delivery status, pending deliveries and failures in the last 24 hours. URLs are redacted; secrets never returned. Admin only.",
        tags: ["webhooks"],
        responses: { "200": ok(c.ref(WebhooksResponse, "output")), ...read },
      },
      post: {
        operationId: "createWebhook",
        summary: "A new destination: an http(s) URL without credentials, `json` or `slack` format, the events it wants, and an optional HMAC-SHA256 signing secret (sent, or generated and returned this once). Audited. Admin only.",
        tags: ["webhooks"],
        requestBody: body(c.ref(WebhookCreateBody, "input")),
        responses: { "201": ok(c.ref(WebhookCreatedView, "output"), "Created."), ...write },
      },
    },
    "/api/v1/webhooks/{id}": {
      patch: {
        operationId: "updateWebhook",
        summary: "Enable or disable a destination. Disabling cancels its pending deliveries. Audited. Admin only.",
        tags: ["webhooks"],
        parameters: c.parameters(WebhookIdParams, "path"),
        requestBody: body(c.ref(WebhookUpdateBody, "input")),
        responses: { "200": ok(c.ref(WebhookView, "output")), "404": errorResponse("No webhook has this id."), ...write },
      },
      delete: {
        operationId: "deleteWebhook",
        summary: "Delete a destination with its deliveries and their log. Audited. Admin only.",
        tags: ["webhooks"],
        parameters: c.parameters(WebhookIdParams, "path"),
        responses: { "200": ok(c.ref(DeletedView, "output")), "404": errorResponse("No webhook has this id."), ...write },
      },
    },
    "/api/v1/webhooks/{id}/deliveries": {
      get: {
        operationId: "listWebhookDeliveries",
        summary: "The delivery log, newest first: each event's status and every attempt with its HTTP status, latency and error. Admin only.",
        tags: ["webhooks"],
        parameters: [...c.parameters(WebhookIdParams, "path"), ...c.parameters(DeliveriesQuery, "query")],
        responses: { "200": ok(c.ref(WebhookDeliveriesPage, "output")), "400": errorResponse("Invalid status, cursor or limit."), "404": errorResponse("No webhook has this id."), ...read },
      },
    },
    "/api/v1/approvals": {
      get: {
        operationId: "listApprovals",
        summary: "The approval queue for red actions: pending first (soonest expiry first), then decided ones, latest first. Expired requests are written down on read.",
        tags: ["approvals"],
        parameters: c.parameters(ApprovalsQuery, "query"),
        responses: { "200": ok(c.ref(ApprovalsList, "output")), "400": errorResponse("The status or limit is invalid."), ...read },
      },
      post: {
        operationId: "fileApproval",
        summary:
          "A guard files a held red action (its ApprovalRequest: action id, agent, name, class, canonical args and their digest, parents, authority chain), then long-polls GET /api/v1/approvals/{id}?wait=25. Filing the same action again returns the queued request.",
        tags: ["approvals"],
        requestBody: body(c.ref(FileApprovalBody, "input")),
        responses: {
          "201": ok(c.ref(ApprovalView, "output"), "Queued (or already queued)."),
          "409": errorResponse("The action id is already queued with other claims (agent, name, arguments or root)."),
          ...write,
        },
      },
    },
    "/api/v1/approvals/{id}": {
      get: {
        operationId: "getApproval",
        summary:
          "One request. `wait` (seconds, up to 25) holds the answer while it is pending: the guard's long poll. Once approved, `approvalRecord` is the signed approval the guard appends to the action's authority. `context=true` adds the authority chain, the lineage upstream and the findings on it.",
        tags: ["approvals"],
        parameters: [...c.parameters(ApprovalIdParams, "path"), ...c.parameters(ApprovalGetQuery, "query")],
        responses: { "200": ok(c.ref(ApprovalDetail, "output")), "400": errorResponse("The id or a query value is invalid."), "404": errorResponse("No request has this id."), ...read },
      },
    },
    "/api/v1/approvals/{id}/approve": {
      post: {
        operationId: "approveApproval",
        summary:
          "An on-call approves with a reason. The server signs an `approval` record with the instance key as the `firebreak-approvals` approver, stores it through the collector's verification path, and appends the decision to the audit trail, in one transaction.",
        tags: ["approvals"],
        parameters: c.parameters(ApprovalIdParams, "path"),
        requestBody: body(c.ref(DecisionBody, "input")),
        responses: {
          ...write,
          "200": ok(c.ref(ApprovalView, "output")),
          "403": errorResponse("Not on-call, the caller is the agent that asked, or a cookie request without a valid `x-csrf-token`."),
          "404": errorResponse("No request has this id."),
          "409": errorResponse("Too early (`details` carries `secondsLeft`), already decided, expired, or the approval would not verify; `message` says which."),
        },
      },
    },
    "/api/v1/approvals/{id}/deny": {
      post: {
        operationId: "denyApproval",
        summary: "An on-call denies with a reason; the waiting guard refuses the action (approval_denied). Audited with the caller and the reason.",
        tags: ["approvals"],
        parameters: c.parameters(ApprovalIdParams, "path"),
        requestBody: body(c.ref(DecisionBody, "input")),
        responses: {
          ...write,
          "200": ok(c.ref(ApprovalView, "output")),
          "403": errorResponse("Not on-call, the caller is the agent that asked, or a cookie request without a valid `x-csrf-token`."),
          "404": errorResponse("No request has this id."),
          "409": errorResponse("Too early (`details` carries `secondsLeft`), already decided or expired."),
        },
      },
    },
    "/api/v1/records/export": {
      get: {
        operationId: "exportRecords",
        summary: "Every record matching the same filters as GET /api/v1/records (no paging: all of them, streamed), as CSV or a JSON array. Recorded in the audit trail.",
        tags: ["records"],
        parameters: c.parameters(RecordsExportQuery, "query"),
        responses: {
          "200": {
            description: "A download (content-disposition: attachment). CSV: RFC 4180, a header row, cells starting with = + - @ prefixed with an apostrophe.",
            content: { "text/csv": { schema: { type: "string" } }, "application/json": { schema: { type: "array", items: c.ref(RecordView, "output") } } },
          },
          "400": errorResponse("A filter or the format is invalid."),
          ...read,
        },
      },
    },
    "/api/v1/audit": {
      get: {
        operationId: "listAudit",
        summary: "The tamper-evident audit trail of human actions, newest first, filtered by actor, action, target and time, with cursor pagination.",
        tags: ["audit"],
        parameters: c.parameters(AuditQuery, "query"),
        responses: { "200": ok(c.ref(AuditPage, "output")), "400": errorResponse("A filter, the cursor or the limit is invalid."), ...read },
      },
    },
    "/api/v1/audit/verify": {
      get: {
        operationId: "verifyAudit",
        summary: "Checks the whole audit trail: the hash chain from the first entry, and every signed checkpoint against the instance key and the chain. Intact, or the first altered, missing or reordered entry.",
        tags: ["audit"],
        responses: { "200": ok(c.ref(AuditVerifyView, "output")), ...read },
      },
    },
    "/api/v1/audit/checkpoints": {
      post: {
        operationId: "checkpointAudit",
        summary: "Signs a checkpoint at the newest entry now (the collectors also write one every 5 minutes or 1,000 entries). Recorded in the audit trail.",
        tags: ["audit"],
        responses: { "200": ok(c.ref(CheckpointResult, "output")), ...write },
      },
    },
    "/api/v1/incidents/{id}/report.pdf": {
      get: {
        operationId: "incidentReportPdf",
        summary: "The incident report for an auditor as a PDF: summary, lineage figure, timeline of findings, breaker transitions and human actions, records and verdicts, who did what. Recorded in the audit trail.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        responses: {
          "200": { description: "application/pdf, as an attachment.", content: { "application/pdf": { schema: { type: "string", format: "binary" } } } },
          "404": errorResponse("No incident has this id."),
          ...read,
        },
      },
    },
    "/api/v1/incidents/{id}/report.json": {
      get: {
        operationId: "incidentReportBundle",
        summary: "The incident's evidence, machine-readable: records with signatures and signed canonical payloads, registry entries, breaker events, audit entries, as an in-toto Statement v1 in a DSSE envelope signed by the instance key. Check it offline with `npm run report:verify` (docs/audit.md). Recorded in the audit trail.",
        tags: ["incidents"],
        parameters: c.parameters(IncidentIdParams, "path"),
        responses: { "200": ok(c.ref(DsseEnvelopeView, "output")), "404": errorResponse("No incident has this id."), ...read },
      },
    },
    "/api/v1/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document.",
        tags: ["meta"],
        security: [],
        responses: { "200": { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } },
      },
    },
  };

  return {
    openapi: "3.1.0",
    info: {
      title: "Firebreak API",
      version: "1",
      description:
        "Read the records Firebreak judged at the door, their verdicts and summaries, and manage the agent registry. Errors are `{ error: { code, message, details } }` where `message` says what to fix.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    security: secured,
    tags: [
      { name: "records", description: "Provenance records with their verdicts." },
      { name: "summaries", description: "Per-agent and per-edge roll-ups over a time window." },
      { name: "registry", description: "Agents, keys, attestations, message contracts." },
      { name: "session", description: "Sign-in (user name and password, or the admin token), sign-out, and who is calling." },
      { name: "users", description: "User accounts and their roles: viewer, analyst, oncall, admin." },
      { name: "tokens", description: "API tokens for automation (read, control) and ingest keys for the collector." },
      { name: "projects", description: "Projects (tenants): every record, agent, breaker, incident and key belongs to one; nothing crosses them." },
      { name: "lineage", description: "The provenance graph: where trouble started, and how far it spread." },
      { name: "marks", description: "Agents, keys and records marked suspect by hand." },
      { name: "findings", description: "What the anomaly detectors and caps found." },
      { name: "breakers", description: "Circuit breakers on sender -> receiver edges, and the kill switch." },
      { name: "control", description: "Kill switches and the enforcement policy guards obey, as a stream and a long poll." },
      { name: "incidents", description: "Findings grouped by shared lineage, with status, notes and an audit trail." },
      { name: "webhooks", description: "Alert webhooks: destinations, and the log of every delivery attempt." },
      { name: "approvals", description: "Red actions held by guards until an on-call approves or denies them." },
      { name: "meta", description: "About the API itself." },
    ],
    paths,
    components: {
      schemas: c.schemas,
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token (`fbt_...`, made on the admin screen or with POST /api/v1/tokens), or the admin token (FIREBREAK_TOKEN, printed by `npm start` at first start).",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "fb_session",
          description: "Set by POST /api/v1/session. Changes (POST, PUT, PATCH, DELETE) also need the `x-csrf-token` header equal to the fb_csrf cookie.",
        },
      },
    },
  };
}

let cached: JsonSchema | undefined;

/** The document, built once per process. */
export function openApiDocument(): JsonSchema {
  cached ??= build();
  return cached;
}
