import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState } from './app-store';
import type { NavState } from './nav-store';
import type { Services } from './services';

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().app, selector);
}

export function useNav<T>(selector: (s: NavState) => T): T {
  return useStore(useServices().nav, selector);
}
