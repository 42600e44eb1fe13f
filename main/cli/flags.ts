/**
 * Derives a command's flags from the contract's input schema: each field `a_b` is the
 * flag `--a-b`, typed from its schema (number, boolean, string). The CLI never lists a
 * method's fields itself.
 */
import type { z } from 'zod';
import { invalidInput } from '../../core/errors';

export type FlagKind = 'string' | 'number' | 'boolean' | 'json';

interface ZodDefLike {
  type: string;
  innerType?: { _zod: { def: ZodDefLike } };
}

function kindOf(schema: z.ZodType): FlagKind {
  let def = (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;
  while ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) def = def.innerType._zod.def;
  if (def.type === 'number' || def.type === 'int') return 'number';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'record' || def.type === 'object' || def.type === 'array') return 'json';
  return 'string';
}

export function flagName(field: string): string {
  return field.replace(/_/g, '-');
}

export function flagsOf(schema: z.ZodType): Record<string, FlagKind> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, kindOf(v)]));
}

/** Converts parsed flag strings into the contract input; refuses a number that is not one. */
export function inputFromFlags(schema: z.ZodType, values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(flagsOf(schema))) {
    const raw = values[flagName(field)];
    if (raw === undefined) continue;
    if (kind === 'boolean') out[field] = raw === true || raw === 'true';
    else if (kind === 'number') {
      const n = Number(raw);
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw invalidInput(field, `--${flagName(field)} must be a number (got "${String(raw)}")`);
      out[field] = n;
    } else if (kind === 'json') {
      try {
        out[field] = JSON.parse(String(raw));
      } catch {
        throw invalidInput(field, `--${flagName(field)} must be JSON`);
      }
    } else out[field] = String(raw);
  }
  return out;
}
