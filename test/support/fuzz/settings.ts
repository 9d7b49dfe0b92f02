// The fuzz run's knobs, from the environment: FUZZ_SEED (base seed, default below; each route
// uses seed + its index), FUZZ_RUNS (runs per route, default 30), FUZZ_TIME_MS (wall-clock budget
// for all routes together, default 25 s, shrinking included: a route whose share is used up stops
// generating once it made MIN_RUNS runs and passes with them; later routes get what earlier ones
// left), FUZZ_ECHO (echo what the app writes instead of only recording it).

export const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20_260_501);
export const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 30);
export const FUZZ_TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 25_000);
/** Runs every route makes whatever the time. */
export const MIN_RUNS = 4;
/** Extra time a route may take to shrink once it failed. */
export const SHRINK_TIME_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 15_000;
/** Echo what the app writes to stdout / fd 1-2 (its log lines) instead of only recording it. */
export const ECHO = Boolean(process.env.FUZZ_ECHO);

/** The company the seeded records belong to, and another one. */
export const ACME = 'acme';
export const GLOBEX = 'globex';
