/**
 * Screens and reports as terminal lines and JSON lines, for the headless role and the demo
 * (the kiosk UI renders the same Screen values). What the patron saw, never who they are.
 */
import type { Screen } from './flow.ts';
import type { LibraryReport } from './service.ts';

const MARK: Readonly<Record<Screen['tone'], string>> = {
  info: ' ',
  ok: '○',
  warn: '△',
  error: '×',
};

/**
 * `libraryWords`: also the library system's own message (AF). Off for the headless role, whose
 * output is a log: those messages are free text and may name the patron.
 */
export function screenLine(s: Screen, libraryWords = false): string {
  const item = s.item ? `  [${s.item.itemId}${s.item.title ? ` ${s.item.title}` : ''}]` : '';
  const due = s.item?.due ? `  ${s.item.due.ja} / ${s.item.due.en}` : '';
  const said =
    libraryWords && s.screenMessage?.length
      ? `  (図書館システム: ${s.screenMessage.join(' ')})`
      : '';
  const summary = s.summary?.length
    ? `  — ${s.summary.length}冊 / ${s.summary.length} item(s)`
    : '';
  return `${MARK[s.tone]} ${s.text.ja} / ${s.text.en}${item}${due}${said}${summary}`;
}

export function reportLine(r: LibraryReport, libraryWords = false): string | undefined {
  switch (r.type) {
    case 'screen':
      return screenLine(r.screen, libraryWords);
    case 'link':
      return r.state === 'offline'
        ? '  (図書館システムにつながりません: オフラインで貸出します / library system unreachable: offline)'
        : '  (図書館システムにつながりました / library system reachable again)';
    case 'forwarded': {
      const f = r.report;
      return `  (保存した貸出を送信: ${f.forwarded}件登録, 例外 ${f.exceptions}件, 残り ${f.remaining}件 / forwarded ${f.forwarded}, exceptions ${f.exceptions}, pending ${f.remaining})`;
    }
    case 'session-ended':
    case 'timing':
      return undefined;
  }
}

export function reportJson(r: LibraryReport): Record<string, unknown> | undefined {
  switch (r.type) {
    case 'screen': {
      const s = r.screen;
      return {
        screen: {
          code: s.code,
          tone: s.tone,
          ja: s.text.ja,
          en: s.text.en,
          ...(s.item ? { itemId: s.item.itemId, due: s.item.due?.ja ?? null } : {}),
          ...(s.summary ? { items: s.summary.length } : {}),
        },
      };
    }
    case 'link':
      return { link: r.state };
    case 'forwarded':
      return { forwarded: r.report };
    case 'session-ended':
      return {
        session: {
          items: r.session.items.length,
          checkedOut: r.session.items.filter((l) => l.outcome.kind !== 'refused').length,
          mode: r.session.patron.mode,
        },
      };
    case 'timing':
      return undefined;
  }
}
