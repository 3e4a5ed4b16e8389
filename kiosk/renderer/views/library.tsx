import type { ReactNode } from 'react';
import { useI18n } from '../i18n.tsx';

/** The patron-facing self-checkout (filled in with the library flow). */
export function LibraryView(): ReactNode {
  const { t } = useI18n();
  return <h1>{t('roleLibrary')}</h1>;
}
