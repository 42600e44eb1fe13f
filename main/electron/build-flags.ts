/**
 * Build-time flags, fixed by electron.vite.config.mts's `define` when the bundle is built:
 * `__KEYWARDEN_DEV__` is true only for `electron-vite dev` (mode development). Under
 * plain Node (tests, the CLI) nothing defines it, which reads as a production build.
 */
declare const __KEYWARDEN_DEV__: boolean | undefined;

export const DEV_BUILD: boolean = typeof __KEYWARDEN_DEV__ === 'boolean' ? __KEYWARDEN_DEV__ : false;
