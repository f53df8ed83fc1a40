/**
 * Where a realtime patch applies, Instagram style: `/direct_v2/threads/<thread>/items/<item>`
 * and the like. Built by the server, taken apart by the client (part of the wire protocol).
 */
export const paths = {
  thread: (threadId: string) => `/direct_v2/inbox/threads/${threadId}`,
  item: (threadId: string, itemId: string) => `/direct_v2/threads/${threadId}/items/${itemId}`,
  reaction: (threadId: string, itemId: string, userId: string) => `/direct_v2/threads/${threadId}/items/${itemId}/reactions/emojis/${userId}`,
  seen: (threadId: string, userId: string) => `/direct_v2/threads/${threadId}/participants/${userId}/has_seen`,
  activity: (threadId: string, userId: string) => `/direct_v2/threads/${threadId}/activity_indicator_id/${userId}`,
  user: (userId: string) => `/direct_v2/users/${userId}`,
};

export type ParsedPath =
  | { kind: "thread"; threadId: string }
  | { kind: "item"; threadId: string; itemId: string }
  | { kind: "reaction"; threadId: string; itemId: string; userId: string }
  | { kind: "seen"; threadId: string; userId: string }
  | { kind: "activity"; threadId: string; userId: string }
  | { kind: "user"; userId: string }
  | { kind: "unknown" };

const PATH_FORMS: [RegExp, (m: RegExpExecArray) => ParsedPath][] = [
  [/^\/direct_v2\/inbox\/threads\/(\d+)$/, (m) => ({ kind: "thread", threadId: m[1]! })],
  [/^\/direct_v2\/threads\/(\d+)\/items\/(\d+)$/, (m) => ({ kind: "item", threadId: m[1]!, itemId: m[2]! })],
  [/^\/direct_v2\/threads\/(\d+)\/items\/(\d+)\/reactions\/emojis\/(\d+)$/, (m) => ({ kind: "reaction", threadId: m[1]!, itemId: m[2]!, userId: m[3]! })],
  [/^\/direct_v2\/threads\/(\d+)\/participants\/(\d+)\/has_seen$/, (m) => ({ kind: "seen", threadId: m[1]!, userId: m[2]! })],
  [/^\/direct_v2\/threads\/(\d+)\/activity_indicator_id\/(\d+)$/, (m) => ({ kind: "activity", threadId: m[1]!, userId: m[2]! })],
  [/^\/direct_v2\/users\/(\d+)$/, (m) => ({ kind: "user", userId: m[1]! })],
];

/** What the first of `forms` whose pattern matches makes of `path`; `otherwise` if none does. */
export function matchPath<T>(forms: readonly [RegExp, (m: RegExpExecArray) => T][], path: string, otherwise: T): T {
  for (const [pattern, build] of forms) {
    const match = pattern.exec(path);
    if (match) return build(match);
  }
  return otherwise;
}

export function parsePatchPath(path: string): ParsedPath {
  return matchPath(PATH_FORMS, path, { kind: "unknown" });
}
