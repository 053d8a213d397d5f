import {
  attendanceStatusEnum,
  badgeStatusEnum,
  distributionStatusEnum,
  ENTITY_TYPES,
  fieldNamesOf,
  operationSchema,
  sectionEnum,
  tripDirectionEnum,
} from '@wampums/schema';
import { describe, expect, it } from 'vitest';
import { formatDose } from '../src/i18n/dose-unit';
import { en } from '../src/i18n/en';
import { formatDay } from '../src/i18n/format';
import { fr } from '../src/i18n/fr';
import { pluralKey } from '../src/i18n/plural';
import { DICTIONARIES, pickLanguage, placeholdersOf, translate } from '../src/i18n/translate';

const frKeys = Object.keys(fr).sort();
const enKeys = Object.keys(en).sort();

describe('dictionaries', () => {
  it('French and English have exactly the same keys', () => {
    expect(enKeys.filter((k) => !frKeys.includes(k))).toEqual([]);
    expect(frKeys.filter((k) => !enKeys.includes(k))).toEqual([]);
  });

  it('every message is non-empty and uses the same placeholders in both languages', () => {
    for (const key of frKeys) {
      const f = DICTIONARIES.fr[key as keyof typeof fr];
      const e = DICTIONARIES.en[key as keyof typeof fr];
      expect(f.trim(), `fr ${key}`).not.toBe('');
      expect(e.trim(), `en ${key}`).not.toBe('');
      expect(placeholdersOf(e), key).toEqual(placeholdersOf(f));
    }
  });

  it('has a label for every value the screens show by name', () => {
    const needed = [
      ...ENTITY_TYPES.map((t) => `entity.${t}`),
      ...ENTITY_TYPES.flatMap((t) => fieldNamesOf(t).map((f) => `field.${f}`)),
      ...operationSchema.options.map((o) => `operation.${o}`),
      ...attendanceStatusEnum.options.flatMap((s) => [`attendance.${s}`, `attendanceShort.${s}`]),
      ...distributionStatusEnum.options.map((s) => `distribution.${s}`),
      ...tripDirectionEnum.options.map((s) => `trip.${s}`),
      ...sectionEnum.options.map((s) => `section.${s}`),
      ...['pending', 'in_progress', 'synced', 'failed', 'conflict'].map((s) => `outbox.${s}`),
      ...[
        'field-merge',
        'last-write-wins',
        'create-wins',
        'server-authoritative',
        'status-escalation',
        'manual',
      ].map((s) => `strategy.${s}`),
      ...[
        'merged',
        'local-wins',
        'server-wins',
        'status-escalated',
        'created',
        'pending-user',
        'user-local',
        'user-server',
        'user-merged',
      ].map((s) => `resolution.${s}`),
    ];
    expect(badgeStatusEnum.options.length).toBeGreaterThan(0);
    expect(needed.filter((k) => !frKeys.includes(k))).toEqual([]);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'status.pending', { count: 3 })).toBe('3 en attente');
    expect(translate('en', 'status.pending', { count: 3 })).toBe('3 waiting');
    expect(translate('en', 'status.pending')).toBe('{count} waiting');
  });
});

describe('pickLanguage', () => {
  it('follows the organization locale, French by default, and the user choice above both', () => {
    expect(pickLanguage(null, 'fr-CA')).toBe('fr');
    expect(pickLanguage(null, 'en-CA')).toBe('en');
    expect(pickLanguage(null, null)).toBe('fr');
    expect(pickLanguage('en', 'fr-CA')).toBe('en');
    expect(pickLanguage('fr', 'en')).toBe('fr');
    expect(pickLanguage('de', 'en')).toBe('en');
  });

  it("before any organization is known, follows the browser's language", () => {
    expect(pickLanguage(null, null, 'en-US')).toBe('en');
    expect(pickLanguage(null, undefined, 'fr-CA')).toBe('fr');
    expect(pickLanguage(null, null, 'de-DE')).toBe('fr');
    // The organization held on the phone (the last one used) comes before the browser.
    expect(pickLanguage(null, 'fr-CA', 'en-US')).toBe('fr');
    expect(pickLanguage(null, 'en-CA', 'fr-CA')).toBe('en');
  });
});

describe('plurals', () => {
  it('doses: a countable unit takes the plural its language chooses, measures never do', () => {
    expect(formatDose('fr', 2, 'bouffée')).toBe('2 bouffées');
    expect(formatDose('fr', 1, 'bouffée')).toBe('1 bouffée');
    expect(formatDose('fr', 1.5, 'comprimé')).toBe('1,5 comprimé');
    expect(formatDose('fr', 0.3, 'mg')).toBe('0,3 mg');
    expect(formatDose('en', 2, 'puff')).toBe('2 puffs');
    expect(formatDose('en', 0.5, 'tablet')).toBe('0.5 tablets');
    expect(formatDose('en', 1, 'tablet')).toBe('1 tablet');
  });

  it('record dates follow the page language, never the device zone', () => {
    expect(formatDay('fr', '2026-07-14')).toBe('14 juill. 2026');
    expect(formatDay('en', '2026-07-14')).toBe('Jul 14, 2026');
  });

  it('no message writes a plural as "(s)"; every `.one` has its `.other`', () => {
    for (const dictionary of [fr, en]) {
      const keys = Object.keys(dictionary);
      for (const [key, text] of Object.entries(dictionary)) expect(text, key).not.toMatch(/\(s\)/);
      for (const key of keys.filter((k) => k.endsWith('.one')))
        expect(keys, key).toContain(key.replace(/\.one$/, '.other'));
    }
  });

  it('chooses the form by the language: French 0 and 1 are singular, English only 1', () => {
    expect(translate('fr', pluralKey('fr', 'status.failed', 0), { count: 0 })).toContain(
      '0 modification refusée',
    );
    expect(translate('fr', pluralKey('fr', 'status.failed', 2), { count: 2 })).toContain(
      '2 modifications refusées',
    );
    expect(translate('en', pluralKey('en', 'status.conflicts', 0), { count: 0 })).toBe(
      '0 conflicts to settle',
    );
    expect(translate('en', pluralKey('en', 'status.conflicts', 1), { count: 1 })).toBe(
      '1 conflict to settle',
    );
  });
});
