import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { I18nProvider, useI18n } from '../i18n';
import { LanguageSwitcher } from './LanguageSwitcher';

function Heading() {
  const { t } = useI18n();
  return <h1>{t('login.heading')}</h1>;
}

function renderSwitcher() {
  render(
    <I18nProvider language="en">
      <LanguageSwitcher />
      <Heading />
    </I18nProvider>,
  );
}

describe('LanguageSwitcher', () => {
  it('offers the four languages by their own names', () => {
    renderSwitcher();
    const select = screen.getByRole('combobox', { name: 'Language' });
    expect([...(select as HTMLSelectElement).options].map((option) => option.textContent)).toEqual([
      'English',
      'Français',
      'Tiếng Việt',
      'العربية',
    ]);
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
  });

  it('lays the page out right to left in Arabic, and back left to right in French', async () => {
    const user = userEvent.setup();
    renderSwitcher();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Language' }), 'ar');
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(screen.getByRole('heading').textContent).toBe('تسجيل الدخول');
    // The switcher's own label follows the language, so it is found by its Arabic name now.
    await user.selectOptions(screen.getByRole('combobox', { name: 'اللغة' }), 'fr');
    expect(document.documentElement.lang).toBe('fr');
    expect(document.documentElement.dir).toBe('ltr');
    expect(screen.getByRole('heading').textContent).toBe('Connexion');
    expect(window.localStorage.getItem('mla-portal.language')).toBe('fr');
  });
});
