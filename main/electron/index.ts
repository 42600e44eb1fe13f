/** Electron main entry (bundled to out/main/index.js). All the work is in desktop.ts. */
import { bootDesktop } from './desktop';

bootDesktop();
