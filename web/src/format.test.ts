import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format';

describe('formatDateTime', () => {
  const instant = '2027-01-29T15:30:00.000Z';

  it('should give the same instant on a named clock, with its zone', () => {
    // 15:30 UTC is 16:30 in Paris (UTC+1 in January) and 22:30 in Ha Noi (UTC+7).
    expect(formatDateTime(instant, 'en', 'Europe/Paris')).toMatch(/4:30\sPM GMT\+1$/);
    expect(formatDateTime(instant, 'en', 'Asia/Ho_Chi_Minh')).toMatch(/10:30\sPM GMT\+7$/);
    expect(formatDateTime(instant, 'fr', 'Europe/Paris')).toMatch(/16:30 UTC\+1$/);
  });

  it('should leave an empty value empty and show an unreadable one as it came', () => {
    expect(formatDateTime(null, 'en')).toBe('');
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
  });
});
