/** The Reports store from the window's services (kept apart so the store itself has no React). */
import { useStore } from 'zustand';
import { useServices } from '../../app/services-context';
import type { ReportsState } from './reports-store';

export function useReports<T>(selector: (s: ReportsState) => T): T {
  return useStore(useServices().reports, selector);
}
