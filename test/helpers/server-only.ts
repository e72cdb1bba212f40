// The real "server-only" throws when imported outside Next's server bundle;
// tests import server modules directly, so vitest resolves it here instead.
export {};
