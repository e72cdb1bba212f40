import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

// The few form pieces the admin screen repeats, so every field has a label
// and every button the same weight for its purpose.

export const fieldClass = "mt-1 w-full rounded-lg border border-line bg-bg px-3 py-1.5 text-sm outline-none focus:border-accent";

export function Field({ label, htmlFor, children, hint }: { label: string; htmlFor: string; children: ReactNode; hint?: string }) {
  return (
    <div className="min-w-0">
      <label htmlFor={htmlFor} className="block text-xs font-semibold uppercase tracking-wide text-muted">
        {label}
      </label>
      {children}
      {hint ? <p className="mt-1 text-xs text-muted">{hint}</p> : null}
    </div>
  );
}

export function TextInput(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={`${fieldClass} ${props.className ?? ""}`} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={`${fieldClass} ${props.className ?? ""}`} />;
}

export function Button({ tone = "plain", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: "primary" | "plain" | "danger" }) {
  const look =
    tone === "primary"
      ? "bg-accent font-semibold text-white hover:opacity-90 dark:text-bg"
      : tone === "danger"
        ? "border border-bad/50 text-bad hover:bg-bad-soft"
        : "border border-line text-fg hover:bg-raised";
  return <button type="button" {...props} className={`whitespace-nowrap rounded-lg px-3 py-1.5 text-sm disabled:opacity-50 ${look} ${props.className ?? ""}`} />;
}

export function InlineError({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-bad">
      {error.message}
    </p>
  );
}
