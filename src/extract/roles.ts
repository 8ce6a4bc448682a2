/**
 * The roles a log field can play (trace id, span id, …) and the shape of a
 * `--field ROLE=PATH[:unit]` override. Kept apart from the field conventions so
 * the command line can name roles without loading the extractor.
 */
import type { TimeUnit } from './time.js';

export type Role = 'trace' | 'span' | 'parent' | 'start' | 'end' | 'duration' | 'name' | 'service' | 'status';
export const ROLES: readonly Role[] = ['trace', 'span', 'parent', 'start', 'end', 'duration', 'name', 'service', 'status'];

/** A --field override: the dotted path of a role, with a unit for numeric times and durations. */
export interface FieldOverride {
  path: string;
  unit?: TimeUnit;
}
export type FieldOverrides = Partial<Record<Role, FieldOverride>>;
