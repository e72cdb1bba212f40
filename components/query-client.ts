import { QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, isPermanent } from "./api-error.ts";

// The one QueryClient factory. Summaries and lists are live: they refetch
// every few seconds while the tab is visible.
export const LIVE_REFETCH_MS = 5_000;

export interface QueryClientOptions {
  /** Called when the API says the session is gone (401). */
  onUnauthorized?: () => void;
}

export function makeQueryClient(options: QueryClientOptions = {}): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) options.onUnauthorized?.();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 4_000,
        refetchInterval: LIVE_REFETCH_MS,
        refetchIntervalInBackground: false,
        refetchOnWindowFocus: true,
        // 401/403 and other 4xx will not change on a retry; 5xx and network errors may.
        retry: (failureCount, error) => !isPermanent(error) && failureCount < 3,
        retryDelay: (attempt) => Math.min(1_000 * 2 ** attempt, 8_000),
      },
      mutations: { retry: false },
    },
  });
}
