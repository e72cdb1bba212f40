import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers.tsx";
import { THEME_SCRIPT } from "@/components/theme/theme.ts";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Firebreak", template: "%s · Firebreak" },
  description: "Observability and forensics for multi-agent AI systems.",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // data-theme is set by THEME_SCRIPT before paint, so React must not complain that the server did not render it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="bg-bg text-fg">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
