import type { ReactNode } from 'react';
import type { LibraryItemView, LibraryNotice } from '../../../shared/contracts/ui/library.ts';
import { useI18n } from '../i18n.tsx';

/** A message of the flow in a box whose colour matches it; the words carry the meaning too. */
export function NoticeBox({
  notice,
  className = '',
}: {
  notice: LibraryNotice;
  className?: string;
}): ReactNode {
  const { pick } = useI18n();
  return (
    <p className={`lib-notice tone-${notice.tone} ${className}`} data-code={notice.code}>
      {pick(notice.text)}
    </p>
  );
}

function ItemRow({ item }: { item: LibraryItemView }): ReactNode {
  const { t, pick } = useI18n();
  const pending = item.state === 'checking' || item.state === 'queued';
  return (
    <li className={`lib-item state-${item.state}`} data-item={item.itemId} data-state={item.state}>
      <div className="lib-item-main">
        <span className="lib-item-title">{item.title ?? `${t('libItem')} ${item.itemId}`}</span>
        {item.due ? (
          <span className="lib-item-due" data-testid="due">
            {pick(item.due.text)}
          </span>
        ) : null}
      </div>
      {pending ? (
        <p className="lib-item-result">
          {item.state === 'checking' ? t('libChecking') : t('libQueued')}
        </p>
      ) : item.result ? (
        <p className={`lib-item-result result-${item.result.tone}`} data-code={item.result.code}>
          <span aria-hidden="true" className="lib-mark">
            {item.state === 'refused' ? '×' : '○'}
          </span>{' '}
          {pick(item.result.text)}
        </p>
      ) : null}
    </li>
  );
}

/** The books of a session, newest last (as scanned), with due dates and refusals. */
export function ItemList({ items }: { items: readonly LibraryItemView[] }): ReactNode {
  const { t } = useI18n();
  return (
    <section className="lib-items" aria-labelledby="lib-items-title">
      <h2 id="lib-items-title">{t('libItems')}</h2>
      {items.length === 0 ? (
        <p className="lib-empty">{t('libNoItems')}</p>
      ) : (
        <ol data-testid="library-items">
          {items.map((i) => (
            <ItemRow key={i.itemId} item={i} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** "2 books checked out, 1 not": the count the summary starts with. */
export function Counts({ items }: { items: readonly LibraryItemView[] }): ReactNode {
  const { t } = useI18n();
  const borrowed = items.filter((i) => i.state === 'checked-out' || i.state === 'stored-offline');
  const refused = items.filter((i) => i.state === 'refused');
  return (
    <p className="lib-counts">
      {t('libBorrowed').replace('{n}', String(borrowed.length))}
      {refused.length > 0 ? ` / ${t('libNotBorrowed').replace('{n}', String(refused.length))}` : ''}
    </p>
  );
}
