/**
 * What a provider is told: one durable stream per provider (`provider:<id>`), read over the
 * ordinary realtime socket, of patches under `/interop/...`. Messaging, group changes, opt-ins
 * and opt-outs call in here inside their own transactions, so an event is stored exactly when the
 * change it reports is. A provider hears of a third-party chat of its own while one of its
 * identities is in it (and of the change that takes the last one out); typing goes live only.
 */
import type { EventStreams } from "../../core/event-stream.js";
import type { MediaStore } from "../../core/media.js";
import type { ItemContent, ItemRow } from "../items.js";
import {
  interopPaths,
  type IgInteropActivity,
  type IgInteropEdit,
  type IgInteropItem,
  type IgInteropMedia,
  type IgInteropMembersChange,
  type IgInteropOptIn,
  type IgInteropOptOut,
  type IgInteropParticipant,
  type IgInteropReaction,
  type IgInteropSeen,
  type IgInteropThread,
  type IgInteropTitleChange,
  type IgInteropUnsend,
  type IgInteropUser,
  type IgPatch,
  type IgSharedMedia,
  type ServerFrame,
} from "../protocol.js";
import { micros } from "../render.js";
import type { Threads } from "../threads.js";
import { isThirdPartyPk, type Identities } from "./identities.js";
import type { ThirdPartyThreads } from "./marks.js";

export const providerStream = (providerId: string) => `provider:${providerId}`;

/** Where a shared post or reel lives, as the app links it. */
function shareUrl(media: IgSharedMedia): string {
  return `https://www.instagram.com/${media.product_type === "clips" ? "reel" : "p"}/${media.code}/`;
}

export class ProviderFeed {
  constructor(
    private readonly streams: EventStreams,
    private readonly marks: ThirdPartyThreads,
    private readonly identities: Identities,
    private readonly threads: Threads,
    private readonly media: MediaStore,
    private readonly now: () => number,
  ) {}

  participant(pk: string): IgInteropParticipant {
    const identity = this.identities.byPk(pk);
    return identity ? { third_party_id: identity.id } : { user_id: pk };
  }

  thread(threadId: string): IgInteropThread {
    const row = this.threads.get(threadId)!;
    const participants = this.threads.participants(threadId);
    return {
      thread_id: threadId,
      thread_type: row.kind === "group" ? "group" : "private",
      thread_title: row.title,
      participants: participants.map((p) => this.participant(p.pk)),
      creator: this.participant(row.creator),
      admins: participants.filter((p) => p.isAdmin).map((p) => this.participant(p.pk)),
    };
  }

  /**
   * The provider to tell about `threadId`: its owner, while one of its identities is a member or
   * among `involved` (someone just taken out).
   */
  private audience(threadId: string, involved: readonly string[] = [], members?: readonly string[]): string | undefined {
    const provider = this.marks.providerOf(threadId);
    if (provider === undefined) return undefined;
    const present = [...(members ?? this.threads.memberPks(threadId)), ...involved].some(isThirdPartyPk);
    return present ? provider : undefined;
  }

  private tell(threadId: string, ops: (provider: string) => IgPatch[], involved?: readonly string[], members?: readonly string[]): void {
    const provider = this.audience(threadId, involved, members);
    if (provider !== undefined) this.streams.append(providerStream(provider), "patch", ops(provider));
  }

  chat(threadId: string): void {
    this.tell(threadId, () => [{ op: "add", path: interopPaths.thread(threadId), value: this.thread(threadId) }]);
  }

  members(threadId: string, added: readonly string[], removed: readonly string[], by: string): void {
    const value: IgInteropMembersChange = { added: added.map((pk) => this.participant(pk)), removed: removed.map((pk) => this.participant(pk)), by: this.participant(by) };
    this.tell(threadId, () => [{ op: "replace", path: interopPaths.participants(threadId), value }], removed);
  }

  title(threadId: string, title: string, by: string): void {
    const value: IgInteropTitleChange = { title, by: this.participant(by) };
    this.tell(threadId, () => [{ op: "replace", path: interopPaths.title(threadId), value }]);
  }

  /** A new item; `members` saves a query when the caller has them. */
  item(row: ItemRow, members?: readonly string[]): void {
    this.tell(row.thread_id, () => [{ op: "add", path: interopPaths.item(row.thread_id, row.item_id), value: this.render(row) }], [], members);
  }

  edited(row: ItemRow, text: string): void {
    const value: IgInteropEdit = { item_id: row.item_id, sender: this.participant(row.user_id), timestamp: micros(this.now()), text };
    this.tell(row.thread_id, () => [{ op: "replace", path: interopPaths.item(row.thread_id, row.item_id), value }]);
  }

  unsent(row: ItemRow): void {
    const value: IgInteropUnsend = { item_id: row.item_id, sender: this.participant(row.user_id), timestamp: micros(this.now()) };
    this.tell(row.thread_id, () => [{ op: "remove", path: interopPaths.item(row.thread_id, row.item_id), value }]);
  }

  reaction(threadId: string, itemId: string, by: string, emoji: string | null): void {
    const value: IgInteropReaction = { item_id: itemId, sender: this.participant(by), emoji, timestamp: micros(this.now()) };
    this.tell(threadId, () => [{ op: emoji === null ? "remove" : "replace", path: interopPaths.reaction(threadId, itemId, by), value }]);
  }

  seen(threadId: string, itemId: string, by: string): void {
    const value: IgInteropSeen = { item_id: itemId, reader: this.participant(by), timestamp: micros(this.now()) };
    this.tell(threadId, () => [{ op: "replace", path: interopPaths.seen(threadId, by), value }]);
  }

  /** Told to every provider: any of them may want to find the user now. */
  optIn(user: IgInteropUser, providers: readonly string[]): void {
    const value: IgInteropOptIn = { ...user, timestamp: micros(this.now()) };
    this.tellAll(providers, { op: "add", path: interopPaths.user(user.user_id), value });
  }

  /** Told to every provider: any of them may have looked the user up. */
  optOut(pk: string, providers: readonly string[]): void {
    const value: IgInteropOptOut = { user_id: pk, timestamp: micros(this.now()) };
    this.tellAll(providers, { op: "remove", path: interopPaths.user(pk), value });
  }

  private tellAll(providers: readonly string[], patch: IgPatch): void {
    for (const provider of providers) this.streams.append(providerStream(provider), "patch", [patch]);
  }

  /** Typing is never stored: the frame for the provider's live sockets, if it is to hear of it. */
  typing(threadId: string, by: string, active: boolean): { provider: string; frame: ServerFrame } | undefined {
    const provider = this.audience(threadId);
    if (provider === undefined) return undefined;
    const value: IgInteropActivity = { sender: this.participant(by), activity_status: active ? 1 : 0 };
    return { provider, frame: { type: "activity_indicator", data: [{ op: "add", path: interopPaths.activity(threadId, by), value }] } };
  }

  /** An item as the provider receives it: text and/or a file, whatever Instagram's kind. */
  private render(row: ItemRow): IgInteropItem {
    const content = JSON.parse(row.content) as ItemContent;
    return {
      item_id: row.item_id,
      sender: this.participant(row.user_id),
      timestamp: micros(row.timestamp),
      item_type: row.item_type,
      ...this.words(content),
      ...this.file(content),
      ...(row.replied_to !== null ? { replied_to_item_id: row.replied_to } : {}),
    };
  }

  private words(content: ItemContent): { text?: string } {
    const shared = content.media_share ?? content.clip?.clip;
    const text = content.text ?? content.link?.text ?? content.like ?? content.reel_share?.text ?? (shared ? [shareUrl(shared), shared.caption?.text].filter(Boolean).join(" ") : undefined);
    return text === undefined ? {} : { text };
  }

  private file(content: ItemContent): { media?: IgInteropMedia } {
    if (content.media) {
      const { id, mime, size, media_type } = content.media;
      return { media: { upload_id: id, kind: media_type === 1 ? "image" : "video", mime, size } };
    }
    const voice = content.voice_media?.media.id;
    const stored = voice === undefined ? undefined : this.media.get(voice);
    return stored ? { media: { upload_id: stored.id, kind: "audio", mime: stored.mime, size: stored.size } } : {};
  }
}
