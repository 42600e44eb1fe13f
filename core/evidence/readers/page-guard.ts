/**
 * Stops a paged read that would never end: a page token the provider already gave in this
 * read (a loop), pages that keep coming back with records already read or with nothing
 * under ever-new tokens, and more pages than one fetch may read. Each ends the read with
 * a named ReaderError; the pages before it are kept and the cursor does not move.
 */
import { DEFAULT_MAX_PAGES, ReaderError } from './types';

/** Consecutive pages with no new record (empty or all seen) tolerated under new tokens. */
export const STALE_PAGES = 5;

export class PageGuard {
  private pages = 0;
  private readonly tokens = new Set<string>();
  private readonly ids = new Set<string>();
  private stale = 0;

  constructor(
    private readonly service: string,
    private readonly maxPages = DEFAULT_MAX_PAGES,
  ) {}

  /** Before asking for a page. */
  beforePage(): void {
    if (this.pages >= this.maxPages) {
      throw new ReaderError(
        `${this.service} was still returning pages after ${this.maxPages} in one fetch; stopped there. Fetch again with a later --from, or read a shorter window`,
        'page_limit',
      );
    }
    this.pages++;
  }

  /** After a page: its record ids and the token it gives for the next page (if any). */
  afterPage(recordIds: readonly string[], next: string | undefined): void {
    let fresh = 0;
    for (const id of recordIds) {
      if (!this.ids.has(id)) {
        this.ids.add(id);
        fresh++;
      }
    }
    if (next === undefined) return;
    if (this.tokens.has(next)) {
      throw new ReaderError(`${this.service} returned a page token it had already given in this read (a pagination loop); stopped after ${this.pages} page(s)`, 'pagination_loop');
    }
    this.tokens.add(next);
    this.stale = fresh === 0 ? this.stale + 1 : 0;
    if (this.stale >= STALE_PAGES) {
      throw new ReaderError(
        `${this.service} kept returning new page tokens with no new record (${STALE_PAGES} pages in a row); stopped after ${this.pages} page(s)`,
        'pagination_loop',
      );
    }
  }

  /** A new query within the same read: tokens and records belong to one query. */
  newQuery(): void {
    this.tokens.clear();
    this.ids.clear();
    this.stale = 0;
  }
}
