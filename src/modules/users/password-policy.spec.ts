import { PasswordPolicy } from './password-policy';

describe('the password policy', () => {
  const policy = new PasswordPolicy();

  it('should refuse 11 characters and accept a good 12 (SEC-04)', () => {
    expect(policy.check('Tq9#vLm2$xR')).toEqual(['must be at least 12 characters long']);
    expect(policy.check('Tq9#vLm2$xRw')).toEqual([]);
  });

  it('should accept a long passphrase with spaces and any script, and refuse one beyond 1024', () => {
    expect(policy.check('the quiet river bends south past seven old mills near Huế ')).toEqual([]);
    expect(policy.check(`${'correct horse battery staple '.repeat(4)}`.padEnd(128, 'x'))).toEqual([]);
    expect(policy.check('x'.repeat(1025))).toEqual(['must be at most 1024 characters long']);
  });

  it('should refuse common and breached passwords, and say why', () => {
    for (const password of ['password1234', 'qwertyuiop12', '123456789012', 'iloveyou2024']) {
      const reasons = policy.check(password);
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/^is too easy to guess: /);
    }
  });

  it('should refuse a password built on the username or this portal', () => {
    expect(policy.check('vn.officer-2026-secure', { username: 'vn.officer' })).toContain(
      'must not contain your username',
    );
    expect(policy.check('mlaportal2026', { username: 'x' })).toContain(
      'is built from the name of this portal',
    );
    expect(policy.check('MLA-Portal-2026!')).toContain('is built from the name of this portal');
  });

  it('should count characters, not bytes: twelve Vietnamese letters are twelve', () => {
    expect(policy.check('ước mơ lớn hơn')).toEqual([]);
  });
});
