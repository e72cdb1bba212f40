import { ControlClient } from "./control-client.tsx";

export const metadata = { title: "Control" };

export default function ControlPage() {
  return (
    <div className="mx-auto flex max-w-[1200px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Control</p>
        <h1 className="text-2xl font-semibold tracking-tight">Kill switches and forced breakers</h1>
        <p className="mt-1 text-sm text-muted">Every change needs a reason, is stored with your name, and reaches every guard within a second.</p>
      </header>
      <ControlClient />
    </div>
  );
}
