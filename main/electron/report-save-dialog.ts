/**
 * report.export from the window names no path: the main process asks where with the
 * system's save dialog, and the folder chosen there becomes the package's `out` (created
 * if new). Cancelling the dialog cancels the export. Other window calls pass unchanged.
 */
import type { BrowserWindow, Dialog } from 'electron';
import type { WindowInputHook } from '../../core/api/window-reach';
import { KeywardenError } from '../../core/errors';

type SaveDialog = Pick<Dialog, 'showSaveDialog'>;

export function reportFolderFromSaveDialog(dialog: SaveDialog, parent: () => BrowserWindow | undefined): WindowInputHook {
  return async (method, input) => {
    if (method !== 'report.export') return input;
    const options = {
      title: 'Save the SOC 2 evidence package',
      buttonLabel: 'Save package here',
      defaultPath: 'keywarden-evidence',
      properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[],
    };
    const win = parent();
    const chosen = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (chosen.canceled || !chosen.filePath) throw new KeywardenError('invalid_input', 'export cancelled: no folder was chosen', { field: 'out', reason: 'cancelled' });
    return { ...input, out: chosen.filePath };
  };
}
