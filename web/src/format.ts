/**
 * Dates in the user's own time zone (the browser's), in the chosen language's conventions; with
 * `timeZone`, the same instant on another clock (a counterpart agency's), its zone named.
 */
export function formatDateTime(iso: string | null | undefined, language: string, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(date);
}
