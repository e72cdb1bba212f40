// The wire shapes of accounts, sessions and API tokens: request bodies the
// routes parse and responses the dashboard and tests check, one zod schema
// each (also the OpenAPI document's components).
import { ProjectId } from "../accounts/project.ts";
import { z } from "zod";
import { TOKEN_SCOPES } from "../accounts/token-scopes.ts";
import { ROLES } from "../accounts/roles.ts";

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().regex(/^\d{1,18}$/, { error: "must be a numeric id" });

export const RoleName = z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).meta({ id: "Role" });
export const TokenScopeName = z.enum(TOKEN_SCOPES, { error: `scope must be one of ${TOKEN_SCOPES.join(", ")}` }).meta({ id: "TokenScope" });

/** User names: what people type at sign-in; lower-cased so "Alice" and "alice" are one account. */
export const UserName = z
  .string({ error: "name is required" })
  .trim()
  .toLowerCase()
  .min(2, { error: "name must be at least 2 characters" })
  .max(64, { error: "name must be at most 64 characters" })
  .regex(/^[a-z0-9][a-z0-9._@-]*$/, { error: "name may use letters, digits and . _ @ - (starting with a letter or digit)" });

export const Password = z
  .string({ error: "password is required" })
  .min(12, { error: "password must be at least 12 characters: a passphrase of a few words is easiest" })
  .max(256, { error: "password must be at most 256 characters" });

export const IdParams = z.object({ id }).meta({ id: "IdParams" });
export type IdParams = z.infer<typeof IdParams>;

// ---------------------------------------------------------------- session

export const SignInBody = z
  .object({
    name: z.string().trim().min(1).optional().meta({ description: "User name (with `password`)." }),
    password: z.string().min(1).optional(),
    token: z.string().trim().min(1, { error: "token is empty: paste the admin token" }).optional().meta({ description: "The admin token (FIREBREAK_TOKEN), instead of a name and password." }),
  })
  .superRefine((b, ctx) => {
    if (b.token !== undefined) return;
    if (b.name === undefined) ctx.addIssue({ code: "custom", path: ["name"], message: "name is required: enter your user name and password, or paste the admin token" });
    if (b.password === undefined) ctx.addIssue({ code: "custom", path: ["password"], message: "password is required" });
  })
  .meta({ id: "SignInBody" });
export type SignInBody = z.infer<typeof SignInBody>;

export const PrincipalView = z
  .object({
    name: z.string().meta({ description: "The user name, or `admin (token)` for the admin token." }),
    role: RoleName,
    kind: z.enum(["user", "admin", "token"]).meta({ description: "A user account, the admin token, or an API token." }),
    via: z.enum(["session", "bearer"]),
    scope: TokenScopeName.nullable(),
    expiresAt: isoTime.nullable().meta({ description: "When this session ends; null for bearer tokens." }),
    project: z.string().meta({ description: "The project this request acted on: a token's own, else the one the request named (default `default`)." }),
  })
  .meta({ id: "PrincipalView" });
export type PrincipalView = z.infer<typeof PrincipalView>;

export const SignInView = z
  .object({ expiresAt: isoTime, csrfToken: z.string(), user: z.object({ name: z.string(), role: RoleName }) })
  .meta({ id: "SignInView" });
export type SignInView = z.infer<typeof SignInView>;

export const SignedOutView = z.object({ signedOut: z.literal(true) }).meta({ id: "SignedOutView" });
export type SignedOutView = z.infer<typeof SignedOutView>;

export const SessionView = z
  .object({
    id: z.string().meta({ description: "The first 16 hex characters of the session's stored hash." }),
    createdAt: isoTime,
    expiresAt: isoTime,
    lastSeenAt: isoTime,
    address: z.string(),
    userAgent: z.string(),
  })
  .meta({ id: "SessionView" });
export type SessionView = z.infer<typeof SessionView>;

export const RevokedSessionsView = z.object({ revoked: z.number().int().nonnegative() }).meta({ id: "RevokedSessionsView" });
export type RevokedSessionsView = z.infer<typeof RevokedSessionsView>;

// ---------------------------------------------------------------- users

export const UserView = z
  .object({
    id,
    name: z.string(),
    role: RoleName,
    disabled: z.boolean(),
    disabledAt: isoTime.nullable(),
    createdAt: isoTime,
    createdBy: z.string(),
    passwordChangedAt: isoTime,
    lastSignInAt: isoTime.nullable(),
    activeSessions: z.number().int().nonnegative(),
  })
  .meta({ id: "UserView" });
export type UserView = z.infer<typeof UserView>;

export const UsersResponse = z.object({ items: z.array(UserView) }).meta({ id: "UsersResponse" });
export type UsersResponse = z.infer<typeof UsersResponse>;

export const CreateUserBody = z.object({ name: UserName, role: RoleName, password: Password }).meta({ id: "CreateUserBody" });
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .object({
    role: RoleName.optional(),
    disabled: z.boolean().optional().meta({ description: "true signs the user out everywhere and stops their tokens; false lets them sign in again." }),
  })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { error: "send `role`, `disabled`, or both" })
  .meta({ id: "UpdateUserBody" });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const ResetPasswordBody = z.object({ password: Password }).meta({ id: "ResetPasswordBody" });
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;

// ---------------------------------------------------------------- tokens

export const TokenView = z
  .object({
    id,
    name: z.string(),
    prefix: z.string().meta({ description: "The token's first characters, to recognise it; the rest is never shown again." }),
    scope: TokenScopeName,
    role: RoleName.meta({ description: "The role ceiling the token was given (never above its owner's role)." }),
    environment: z.string(),
    project: z.string().meta({ description: "The project the token belongs to: it reads, controls or sends records into this one only." }),
    owner: z.string().nullable().meta({ description: "The user the token acts for; null for tokens made with the admin token." }),
    createdAt: isoTime,
    createdBy: z.string(),
    expiresAt: isoTime.nullable(),
    lastUsedAt: isoTime.nullable().meta({ description: "Updated at most once a minute." }),
    revokedAt: isoTime.nullable(),
  })
  .meta({ id: "TokenView" });
export type TokenView = z.infer<typeof TokenView>;

export const TokensResponse = z.object({ items: z.array(TokenView) }).meta({ id: "TokensResponse" });
export type TokensResponse = z.infer<typeof TokensResponse>;

export const CreateTokenBody = z
  .object({
    name: z.string({ error: "name is required: say what the token is for" }).trim().min(1, { error: "name is empty: say what the token is for" }).max(100, { error: "name must be at most 100 characters" }),
    scope: TokenScopeName,
    role: RoleName.optional().meta({ description: "Role ceiling; defaults to the scope's ceiling (read: viewer, control: oncall) capped by the owner's role." }),
    environment: z.string().trim().max(64, { error: "environment must be at most 64 characters" }).default(""),
    ownerId: id.optional().meta({ description: "The user the token acts for; defaults to the caller." }),
    project: ProjectId.optional().meta({ description: "The project the token belongs to; defaults to the project the request is made in." }),
    expiresInDays: z.number().int().min(1, { error: "expiresInDays must be at least 1" }).max(3650, { error: "expiresInDays must be at most 3650" }).optional(),
  })
  .meta({ id: "CreateTokenBody" });
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

export const CreatedTokenView = z
  .object({ token: z.string().meta({ description: "The secret. Shown this once: copy it now." }), item: TokenView })
  .meta({ id: "CreatedTokenView" });
export type CreatedTokenView = z.infer<typeof CreatedTokenView>;
