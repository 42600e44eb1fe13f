/**
 * The seal features' per-engine state, built once per engine context: the session and
 * fault stores over the engine's database, the fault layer installed in front of every
 * provider the engine's gateway calls, and the seal monitor.
 */
import type { EngineContext } from '../engine/context';
import { dbOf } from './db';
import { faultyProvider, realFaultDeps, type FaultDeps } from './fault-layer';
import { FaultStore } from './fault-store';
import { SealMonitor } from './monitor';
import { SessionStore } from './session-store';

export interface SealServices {
  sessions: SessionStore;
  faults: FaultStore;
  monitor: SealMonitor;
}

const registry = new WeakMap<EngineContext, SealServices>();

export function sealServices(ctx: EngineContext, faultDeps: FaultDeps = realFaultDeps): SealServices {
  const existing = registry.get(ctx);
  if (existing) return existing;
  const db = dbOf(ctx);
  const faults = new FaultStore(db);
  const sessions = new SessionStore(db);
  // Read per call: a fault set from the CLI takes effect in a running window at once.
  ctx.gateway.setDecorator((tenantId, provider) => {
    const fault = faults.get(tenantId);
    return fault ? faultyProvider(provider, fault, faultDeps) : provider;
  });
  const services: SealServices = { sessions, faults, monitor: new SealMonitor(ctx, sessions) };
  registry.set(ctx, services);
  return services;
}
