import { canRead, type EntityType } from '@wampums/schema';
import type { MessageKey } from '../i18n/fr';
import { useI18n } from '../i18n/i18n-context';
import { useApp } from '../offline/app-context';

/** `reads`: shown only to roles that read these records (`docs/privacy.md`). */
const ITEMS: { route: string; label: MessageKey; icon: string; also: string[]; reads?: EntityType }[] = [
  { route: 'participants', label: 'nav.participants', icon: '☺', also: [''] },
  { route: 'attendance', label: 'nav.attendance', icon: '✓', also: [] },
  { route: 'honors', label: 'nav.honors', icon: '★', also: [] },
  { route: 'medication', label: 'nav.medication', icon: '✚', also: [], reads: 'medication_requirements' },
  {
    route: 'more',
    label: 'nav.more',
    icon: '☰',
    also: ['badges', 'activities', 'conflicts', 'sync', 'signin'],
  },
];

/** The five main places, within thumb reach at the bottom of a phone screen. */
export function BottomNav(props: { route: string[] }) {
  const { t } = useI18n();
  const { session } = useApp();
  const first = props.route[0] ?? '';
  const items = ITEMS.filter((item) => !item.reads || canRead(session.user.role, item.reads));
  return (
    <nav class="bottom-nav">
      {items.map((item) => {
        const active = first === item.route || item.also.includes(first);
        return (
          <a
            key={item.route}
            href={`#/${item.route}`}
            class={active ? 'active' : ''}
            aria-current={active ? 'page' : undefined}
          >
            <span class="nav-icon" aria-hidden="true">
              {item.icon}
            </span>
            <span>{t(item.label)}</span>
          </a>
        );
      })}
    </nav>
  );
}
