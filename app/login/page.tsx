import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form.tsx";
import { sessionPrincipal } from "@/lib/api/auth.ts";
import { SESSION_COOKIE } from "@/lib/api/session.ts";
import { safeNextPath } from "@/lib/view/safe-next.ts";
import { ssoErrorMessage } from "@/lib/view/sso-errors.ts";
import { oidcSettings } from "@/lib/accounts/oidc.ts";

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (await sessionPrincipal((await cookies()).get(SESSION_COOKIE)?.value)) redirect(next);
  // Only the button's label reaches the browser, never the client secret.
  const sso = oidcSettings(process.env);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <SignInForm
        next={next}
        expired={params.expired === "1"}
        withToken={params.with === "token"}
        sso={"settings" in sso ? { label: sso.settings.label } : null}
        ssoError={ssoErrorMessage(params.sso_error)}
      />
    </main>
  );
}
