/**
 * The application menu as data (a test pins it): edit and window roles only. Reload and
 * Toggle DevTools exist only in a development build; a production menu offers no way
 * into the renderer's internals.
 */
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(devBuild: boolean, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const menu: MenuItemConstructorOptions[] = [];
  if (platform === 'darwin') menu.push({ role: 'appMenu' });
  else menu.push({ label: 'File', submenu: [{ role: 'quit' }] });
  menu.push({ role: 'editMenu' });
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (devBuild) view.unshift({ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  menu.push({ label: 'View', submenu: view });
  menu.push({ role: 'windowMenu' });
  return menu;
}
