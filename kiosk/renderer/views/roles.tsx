import type { ReactNode } from 'react';
import { CounterView } from './counter.tsx';
import { LibraryView } from './library.tsx';

/** The staff- and patron-facing role screens, by route. */
export const ROLE_VIEWS: Record<'counter' | 'library', () => ReactNode> = {
  counter: () => <CounterView />,
  library: () => <LibraryView />,
};
