/**
 * Dates in the user's own time zone (the browser's), in the chosen language's conventions; with
 * `timeZone`, the same instant on another clock (a counterpart agency's), its zone named.
 *
 * Spelled out field by field rather than with `dateStyle`/`timeStyle`: Intl refuses `timeZoneName`
 * beside those styles (a TypeError), and both forms must read alike side by side.
 */
const FIELDS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};

export function formatDateTime(iso: string | null | undefined, language: string, timeZone?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language, {
    ...FIELDS,
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(date);
}
