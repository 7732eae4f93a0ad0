import { jsonb, sql, type Sql } from './compose';

/**
 * Planner settings for one piece of work (see withSettings). Names and values come from code, and
 * travel as bind parameters all the same.
 */
export type Settings = Record<string, string>;

/** The current values; NULL for a setting not defined yet (an extension's, before its library loaded). */
export const readSettings = (names: string[]): Sql => sql`
  SELECT n AS name, current_setting(n, true) AS value FROM jsonb_array_elements_text(${jsonb(names)}) AS n`;

export const applySettings = (settings: Settings): Sql => sql`
  SELECT set_config(e.key, e.value, true) AS value FROM jsonb_each_text(${jsonb(settings)}) AS e`;
