/**
 * zod parsing that turns the first issue into `invalid_input` naming the field
 * (`config.region`) and the reason, the shape every refused input takes.
 */
import type { z } from 'zod';
import { invalidInput } from '../errors';

export function fieldPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  return [prefix, ...path.map(String)].filter((p) => p !== '').join('.');
}

export function parseStrict<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw invalidInput(fieldPath(prefix, [...issue.path, key]), 'unknown field');
  }
  throw invalidInput(fieldPath(prefix, issue.path), issue.message);
}
