import type { ReactNode } from "react";
import type { Tone } from "@/lib/view/format.ts";
import { Badge } from "../ui/badge.tsx";
import { CheckIcon, CrossIcon, DotIcon, FlameIcon, ShieldOffIcon, WarnIcon } from "../ui/icons.tsx";
import type { Look, StyleIcon } from "./styles.ts";

// Icons the shared set lacks, drawn on the same 24px grid.
const svg = (children: ReactNode, className?: string) => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden className={className}>
    {children}
  </svg>
);

export function LookIcon({ icon, className }: { icon: StyleIcon; className?: string }) {
  switch (icon) {
    case "cross":
      return <CrossIcon className={className} />;
    case "warn":
      return <WarnIcon className={className} />;
    case "shield-off":
      return <ShieldOffIcon className={className} />;
    case "flame":
      return <FlameIcon className={className} />;
    case "check":
      return <CheckIcon className={className} />;
    case "key":
      return svg(
        <>
          <circle cx="8" cy="15" r="4" />
          <path d="m11 12 9-9M17 6l3 3M15 8l2 2" />
        </>,
        className,
      );
    case "flag":
      return svg(<path d="M5 21V4h11l-2 4 2 4H5" />, className);
    case "eye":
      return svg(
        <>
          <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
          <circle cx="12" cy="12" r="3" />
        </>,
        className,
      );
    case "merge":
      return svg(<path d="M6 3v6a6 6 0 0 0 6 6h6M15 12l3 3-3 3M6 21v-4" />, className);
    case "circle":
      return svg(<circle cx="12" cy="12" r="8" />, className);
    default:
      return <DotIcon className={className} />;
  }
}

/** A look as a badge: icon and word on its tone. */
export function LookBadge({ look, title, testId }: { look: Look; title?: string; testId?: string }) {
  return (
    <span data-testid={testId} data-look={look.word}>
      <Badge tone={look.tone as Tone} icon={<LookIcon icon={look.icon} />} {...(title ? { title } : {})}>
        {look.word}
      </Badge>
    </span>
  );
}
