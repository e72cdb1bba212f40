// A small OpenID Connect provider for tests: discovery, an authorize
// endpoint that signs in whoever the test says, a token endpoint that checks
// the client secret, the code, its redirect URI and the PKCE verifier, and a
// JWKS. ID tokens are signed RS256 with jose. `tamper` makes it misbehave
// the ways a relying party must catch.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

export interface ProviderUser {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  preferredUsername?: string;
  groups?: string[];
}

export type Tamper = "none" | "wrong-nonce" | "wrong-audience" | "foreign-key" | "expired";

interface Grant {
  user: ProviderUser;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorize request. */
  user: ProviderUser;
  tamper: Tamper;
  /** Token requests seen, for assertions about what the client sent. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

export async function startOidcProvider(clientId = "firebreak", clientSecret = "test-client-secret-0123456789"): Promise<TestProvider> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const grants = new Map<string, Grant>();
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    user: { sub: "user-1" },
    tamper: "none",
    tokenRequests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return send(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      });
    }
    if (url.pathname === "/jwks") return send(res, 200, { keys: [jwk] });
    if (url.pathname === "/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== clientId || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) {
        return send(res, 400, { error: "invalid_request" });
      }
      const code = randomBytes(16).toString("base64url");
      grants.set(code, { user: provider.user, clientId, redirectUri: q.get("redirect_uri") ?? "", challenge: q.get("code_challenge") ?? "", nonce: q.get("nonce") ?? "" });
      const back = new URL(q.get("redirect_uri") ?? "");
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state") ?? "");
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === "/token" && req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      provider.tokenRequests.push(form);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent)
        : [form.get("client_id"), form.get("client_secret")];
      if (id !== clientId || secret !== clientSecret) return send(res, 401, { error: "invalid_client" });
      const grant = grants.get(form.get("code") ?? "");
      grants.delete(form.get("code") ?? "");
      if (!grant) return send(res, 400, { error: "invalid_grant", error_description: "unknown or used code" });
      const verifier = form.get("code_verifier") ?? "";
      if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) return send(res, 400, { error: "invalid_grant", error_description: "PKCE verifier does not match" });
      if (form.get("redirect_uri") !== grant.redirectUri) return send(res, 400, { error: "invalid_grant", error_description: "redirect_uri differs" });
      const u = grant.user;
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({
        nonce: provider.tamper === "wrong-nonce" ? "not-the-nonce" : grant.nonce,
        ...(u.email !== undefined ? { email: u.email, email_verified: u.emailVerified ?? true } : {}),
        ...(u.preferredUsername !== undefined ? { preferred_username: u.preferredUsername } : {}),
        ...(u.groups !== undefined ? { groups: u.groups } : {}),
      })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience(provider.tamper === "wrong-audience" ? "someone-else" : clientId)
        .setSubject(u.sub)
        .setIssuedAt(provider.tamper === "expired" ? now - 7200 : now)
        .setExpirationTime(provider.tamper === "expired" ? now - 3600 : now + 300)
        .sign(provider.tamper === "foreign-key" ? foreign.privateKey : privateKey);
      return send(res, 200, { access_token: randomBytes(16).toString("base64url"), token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    send(res, 404, { error: "not_found" });
  }

  return provider;
}
