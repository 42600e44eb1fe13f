/**
 * The contract's method names, injected at build time by electron.vite.config.mts
 * (`define`) from core/api/contract.ts, so the sandboxed preload bundle carries the
 * names without zod or the schemas.
 */
declare const __KEYWARDEN_METHODS__: readonly string[];
