import Link from "next/link";
import type { ReactNode } from "react";

/** The heading of a screen reached from the records list (a record, a trace), with the way back. */
export function RecordsChildHeader({ children }: { children: ReactNode }) {
  return (
    <header>
      <nav aria-label="Breadcrumb" className="text-sm font-medium text-accent">
        <Link href="/records" className="underline-offset-2 hover:underline">
          Records
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold tracking-tight break-all">{children}</h1>
    </header>
  );
}
