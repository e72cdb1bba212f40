import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";

export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="w-full border-collapse text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ className = "", ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={`whitespace-nowrap border-b border-line bg-raised px-4 py-2 text-xs font-semibold uppercase tracking-wide text-muted ${className}`} {...props} />;
}

export function Td({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`border-b border-line px-4 py-3 align-middle ${className}`} {...props} />;
}
