// Instants travel as integer milliseconds: exact to the millisecond in both dialects.
export const toMillis = (date: Date): number => date.getTime();
export const toMillisOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());
export const fromMillis = (millis: number): Date => new Date(Number(millis));
export const fromMillisOrNull = (millis: number | null): Date | null => (millis === null ? null : new Date(Number(millis)));

/** Rows touched by an UPDATE/DELETE, as Kysely reports them (bigint). */
export const affected = (result: { numUpdatedRows: bigint } | { numDeletedRows: bigint }): number =>
  Number('numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows);
