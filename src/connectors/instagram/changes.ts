/**
 * A group change as the core's events. Instagram sends a group change as a thread patch (the
 * new state) followed, in the same frame, by the action-log item naming who did it; comparing the
 * new state with the remembered one gives the name, membership and admin events, from that actor.
 */
import type { ChatRef, RemoteEvent } from "../../network/index.js";
import type { ThreadState } from "./threads.js";

export function groupChangeEvents(before: ThreadState, after: ThreadState, viewer: string, actor: string, timestamp: number): RemoteEvent[] {
  const chat: ChatRef = { id: after.id, kind: after.kind };
  const base = { chat, sender: { id: actor, isMe: actor === viewer }, timestamp };
  const events: RemoteEvent[] = [];
  if (after.kind === "group" && after.title !== before.title) events.push({ ...base, type: "chat-info", name: after.title });
  const beforeSet = new Set(before.others);
  const afterSet = new Set(after.others);
  const added = after.others.filter((id) => !beforeSet.has(id));
  const removed = before.others.filter((id) => !afterSet.has(id));
  if (added.length > 0) events.push({ ...base, type: "membership", action: "add", members: added });
  const left = removed.filter((id) => id === actor);
  const kicked = removed.filter((id) => id !== actor);
  if (left.length > 0) events.push({ ...base, type: "membership", action: "leave", members: left });
  if (kicked.length > 0) events.push({ ...base, type: "membership", action: "remove", members: kicked });
  const promoted = after.admins.filter((id) => !before.admins.includes(id));
  const demoted = before.admins.filter((id) => !after.admins.includes(id) && !removed.includes(id));
  if (promoted.length > 0 || demoted.length > 0) events.push({ ...base, type: "admins", promoted, demoted });
  return events;
}
