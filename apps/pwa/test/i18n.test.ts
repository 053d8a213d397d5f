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
import { en } from '../src/i18n/en';
import { fr } from '../src/i18n/fr';
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
});
