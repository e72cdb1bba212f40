import { Suspense } from "react";
import { ApprovalsScreen } from "@/components/approvals/approvals-screen.tsx";

export const metadata = { title: "Approvals" };

export default function ApprovalsPage() {
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Approvals</p>
        <h1 className="text-2xl font-semibold tracking-tight">Red actions waiting for a human</h1>
      </header>
      {/* The selected request is read from the URL on the client. */}
      <Suspense fallback={<div className="h-[560px] animate-pulse rounded-xl bg-raised" />}>
        <ApprovalsScreen />
      </Suspense>
    </div>
  );
}
