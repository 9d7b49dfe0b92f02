/**
 * Paging with the API's opaque cursors: the API only goes forward (`nextCursor`), so the console
 * keeps the cursors of the pages it has seen to go back. Pure: each move returns a new state.
 */
export interface Pages {
  /** The cursor each seen page was fetched with; the first page's is null. */
  readonly cursors: readonly (string | null)[];
  /** Which of them is shown. */
  readonly index: number;
  /** The current page's `nextCursor`: null on the last page (or before the page arrived). */
  readonly next: string | null;
}

export const FIRST_PAGE: Pages = { cursors: [null], index: 0, next: null };

/** The cursor to fetch the shown page with. */
export function currentCursor(pages: Pages): string | null {
  return pages.cursors[pages.index] ?? null;
}

/** The shown page arrived, with this `nextCursor`. */
export function pageLoaded(pages: Pages, nextCursor: string | null): Pages {
  return { ...pages, next: nextCursor };
}

export function hasNext(pages: Pages): boolean {
  return pages.next !== null;
}

export function hasPrevious(pages: Pages): boolean {
  return pages.index > 0;
}

export function nextPage(pages: Pages): Pages {
  if (pages.next === null) return pages;
  const cursors = [...pages.cursors.slice(0, pages.index + 1), pages.next];
  return { cursors, index: pages.index + 1, next: null };
}

export function previousPage(pages: Pages): Pages {
  if (pages.index === 0) return pages;
  return { cursors: pages.cursors, index: pages.index - 1, next: null };
}

/** `Page 2`: the shown page's number, counted from 1. */
export function pageLabel(pages: Pages): string {
  return `Page ${pages.index + 1}`;
}
