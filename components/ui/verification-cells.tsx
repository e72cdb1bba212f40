import { failureEntries, formatCount } from "@/lib/view/format.ts";
import { ShareBar } from "./share-bar.tsx";
import { Td } from "./table.tsx";
import { TimeCell } from "./time-cell.tsx";
import { VerdictChips } from "./verdict-chip.tsx";

/** The four cells an agent row and an edge row share: count, verified share, failures, last seen. */
export function VerificationCells({
  count,
  verifiedShare,
  byVerdict,
  lastSeen,
  now,
}: {
  count: number;
  verifiedShare: number | null;
  byVerdict: Readonly<Record<string, number>>;
  lastSeen: string | null;
  now: Date;
}) {
  return (
    <>
      <Td className="text-right tabular-nums">{formatCount(count)}</Td>
      <Td>
        <ShareBar share={verifiedShare} />
      </Td>
      <Td>
        <VerdictChips entries={failureEntries(byVerdict)} />
      </Td>
      <Td>
        <TimeCell iso={lastSeen} now={now} />
      </Td>
    </>
  );
}
