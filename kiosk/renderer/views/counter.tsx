import type { ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';

/** The counter's staff view and resident prompts (filled in with the counter flow). */
export function CounterView(): ReactNode {
  const { t } = useI18n();
  return <h1>{t('roleCounter')}</h1>;
}
