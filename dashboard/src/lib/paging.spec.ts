import {
  currentCursor,
  FIRST_PAGE,
  hasNext,
  hasPrevious,
  nextPage,
  pageLabel,
  pageLoaded,
  previousPage,
} from './paging';

describe('paging with the API cursors', () => {
  it('goes forward with nextCursor and back with the cursors it has seen', () => {
    let pages = FIRST_PAGE;
    expect(currentCursor(pages)).toBeNull();
    expect(hasPrevious(pages)).toBe(false);
    pages = pageLoaded(pages, 'c2');
    expect(hasNext(pages)).toBe(true);
    pages = nextPage(pages);
    expect(currentCursor(pages)).toBe('c2');
    expect(pageLabel(pages)).toBe('Page 2');
    // Until the page arrives, there is no next.
    expect(hasNext(pages)).toBe(false);
    pages = nextPage(pageLoaded(pages, 'c3'));
    expect(currentCursor(pages)).toBe('c3');
    pages = pageLoaded(pages, null);
    expect(hasNext(pages)).toBe(false);
    expect(nextPage(pages)).toBe(pages);
    pages = previousPage(previousPage(pages));
    expect(currentCursor(pages)).toBeNull();
    expect(pageLabel(pages)).toBe('Page 1');
    expect(previousPage(pages)).toBe(pages);
  });

  it('forgets the pages after the shown one when it goes forward on another path', () => {
    let pages = nextPage(pageLoaded(nextPage(pageLoaded(FIRST_PAGE, 'c2')), 'c3'));
    pages = previousPage(pages);
    pages = nextPage(pageLoaded(pages, 'c3-new'));
    expect(pages.cursors).toEqual([null, 'c2', 'c3-new']);
    expect(currentCursor(pages)).toBe('c3-new');
  });
});
