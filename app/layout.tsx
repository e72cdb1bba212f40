import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers.tsx";
import { THEME_SCRIPT } from "@/components/theme/theme.ts";
import { NONCE_HEADER } from "@/lib/security/csp.ts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Firebreak", template: "%s · Firebreak" },
  description: "Observability and forensics for multi-agent AI systems.",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The page's CSP nonce (proxy.ts): without it the browser refuses the inline script.
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    // data-theme is set by THEME_SCRIPT before paint, so React must not complain that the server did not render it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="bg-bg text-fg">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
