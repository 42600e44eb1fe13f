/**
 * What only a host can do for the window, handed to createHandlers by the host that can:
 * the desktop app shows a folder in the system's file manager (Electron's shell); the web
 * host and the CLI pass nothing, and the methods that need it say so.
 */
export interface HostActions {
  /** Shows `file` selected in the file manager. */
  revealInFolder?: (file: string) => void;
}
