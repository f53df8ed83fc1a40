/**
 * The inbox, thread by thread, newest activity first, fetched a page at a time with Instagram's
 * cursor as the app does (pages of the app's default size), so a caller that has found what it
 * wanted stops asking. A resync's snapshot is the first page; paging continues from its cursor.
 */
import type { InstagramClient } from "../../simnet/instagram/client/client.js";
import { LIMITS, type IgInbox, type IgThread } from "../../simnet/instagram/protocol.js";

export async function* inboxThreads(client: InstagramClient, firstPage?: IgInbox): AsyncGenerator<IgThread> {
  let page = firstPage ?? (await client.inbox({ limit: LIMITS.inboxPageDefault }));
  for (;;) {
    yield* page.inbox.threads;
    const cursor = page.inbox.oldest_cursor;
    if (!page.inbox.has_older || !cursor || page.inbox.threads.length === 0) return;
    page = await client.inbox({ limit: LIMITS.inboxPageDefault, cursor });
  }
}
