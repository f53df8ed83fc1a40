/**
 * Instagram's interoperability API through the common provider face (src/simnet/client/interop.ts):
 * `instagramInteropKit` registers a provider through the admin API and connects with its token.
 * Users are known by their pk (stable; usernames change), found by username. Instagram's rules
 * come back as its own refusals: edits within 15 minutes, one reaction per person, its rate
 * limits per identity (`feedback_required`, never retried), and its media kinds: a photo, a
 * video or a voice message (audio with its length), each an item of its own, so text and a
 * file in one send is refused (`caption_not_supported`: send them as two) and so is any other
 * file (`unsupported_media_type`).
 */
import { createHash } from "node:crypto";
import { SimnetRequestError } from "../../client/http.js";
import type {
  InteropChat,
  InteropCredentials,
  InteropEvent,
  InteropKit,
  InteropMedia,
  InteropMessageBody,
  InteropParticipant,
  InteropProvider,
  InteropUser,
  ThirdPartyIdentity,
} from "../../client/interop.js";
import { LIMITS, type SendKind } from "../protocol.js";
import { InstagramAdminClient } from "./admin.js";
import { InstagramInteropApi, type ProviderState } from "./interop-api.js";
import { decodeInteropPatch, toInteropChat, toInteropUser, toWireParticipant } from "./interop-events.js";
import { InstagramRealtime, startListening } from "./realtime.js";

/** How each kind of file travels: the upload's media type and the item it makes. */
const MEDIA: Record<InteropMedia["kind"], { upload: string; send: SendKind }> = {
  image: { upload: "photo", send: "configure_photo" },
  video: { upload: "video", send: "configure_video" },
  audio: { upload: "audio", send: "share_voice" },
  // Refused by the server, which says what it takes.
  file: { upload: "file", send: "configure_photo" },
};

/** Any key as a valid client_context (1-64 of A-Z a-z 0-9 - _): the same key, the same context. */
export function clientContextFor(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

/** A voice message's waveform when the sender has none: flat, at Instagram's 10 samples a second. */
function flatWaveform(durationMs: number): number[] {
  const samples = Math.min(LIMITS.waveformMaxSamples, Math.max(1, Math.ceil((durationMs * LIMITS.waveformSamplingHz) / 1000)));
  return new Array<number>(samples).fill(0.5);
}

export class InstagramInteropProvider implements InteropProvider {
  readonly network = "instagram" as const;
  private readonly connections = new Set<InstagramRealtime<ProviderState>>();

  constructor(readonly api: InstagramInteropApi) {}

  async lookup(handle: string): Promise<InteropUser | undefined> {
    const user = await this.api.lookup(handle.replace(/^@/, ""));
    return user && toInteropUser(user);
  }

  async optedIn(): Promise<InteropUser[]> {
    return (await this.api.optedIn()).map(toInteropUser);
  }

  async publishIdentity(identity: ThirdPartyIdentity): Promise<void> {
    await this.api.publishIdentity({ third_party_id: identity.id, name: identity.name, network: identity.network, handle: identity.handle });
  }

  removeIdentity(id: string): Promise<void> {
    return this.api.removeIdentity(id);
  }

  async createChat(spec: { kind: "direct" | "group"; title?: string; creator: string; members: InteropParticipant[] }): Promise<InteropChat> {
    const thread = await this.api.createThread({
      thread_type: spec.kind === "direct" ? "private" : "group",
      ...(spec.title !== undefined ? { thread_title: spec.title } : {}),
      creator: spec.creator,
      participants: spec.members.map(toWireParticipant),
    });
    return toInteropChat(thread);
  }

  async addMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.api.changeParticipants(chat, "add", as, members.map(toWireParticipant));
  }

  async removeMembers(chat: string, as: string, members: InteropParticipant[]): Promise<void> {
    await this.api.changeParticipants(chat, "remove", as, members.map(toWireParticipant));
  }

  async send(chat: string, as: string, body: InteropMessageBody, key: string): Promise<{ id: string; at: number }> {
    const clientContext = clientContextFor(key);
    const reply = body.replyTo !== undefined ? { replied_to_item_id: body.replyTo } : {};
    const ack = body.media
      ? await this.sendFile(chat, as, body.media, body.text, clientContext, reply)
      : await this.api.broadcast("text", as, chat, clientContext, { text: body.text ?? "", ...reply });
    return { id: ack.item_id, at: Math.floor(Number(ack.timestamp) / 1000) };
  }

  private async sendFile(chat: string, as: string, media: InteropMedia, caption: string | undefined, clientContext: string, reply: object) {
    if (caption) throw new SimnetRequestError(400, "caption_not_supported", "Instagram sends a file and a text as two items: send the text on its own", undefined);
    const route = MEDIA[media.kind];
    const upload = await this.api.upload(as, route.upload, media.data);
    const voice = media.kind === "audio" ? { duration_ms: media.durationMs ?? 0, waveform: flatWaveform(media.durationMs ?? 0) } : {};
    return this.api.broadcast(route.send, as, chat, clientContext, { upload_id: upload.upload_id, ...voice, ...reply });
  }

  edit(chat: string, as: string, message: string, text: string): Promise<void> {
    return this.api.edit(as, chat, message, text);
  }

  react(chat: string, as: string, message: string, emoji: string | null): Promise<void> {
    return this.api.react(as, chat, message, emoji);
  }

  delete(chat: string, as: string, message: string): Promise<void> {
    return this.api.unsend(as, chat, message);
  }

  markRead(chat: string, as: string, upTo: string): Promise<void> {
    return this.api.markSeen(as, chat, upTo);
  }

  typing(chat: string, as: string, typing: boolean): Promise<void> {
    return this.api.typing(as, chat, typing);
  }

  /**
   * Reads the provider's stream from its last acknowledged position; each patch is acknowledged
   * once `onEvent` resolved, and one it rejects comes again (with everything after it) over a
   * new connection. Typing is live only: a failure to handle it is dropped.
   */
  async listen(onEvent: (event: InteropEvent) => Promise<void>): Promise<() => Promise<void>> {
    const realtime = new InstagramRealtime(this.api, { fromLastAck: true, reconnectInitialMs: 100, reconnectMaxMs: 2000, ackDelayMs: 50 });
    const download = (id: string) => this.api.download(id);
    realtime.on("update", (update) => {
      const event = update.type === "unknown" ? decodeInteropPatch(update.patch, download) : undefined;
      if (!event) return undefined;
      const handled = Promise.resolve().then(() => onEvent(event));
      if (update.seqId === undefined) return void handled.catch(() => undefined);
      return handled;
    });
    return startListening(this.connections, realtime);
  }

  async close(): Promise<void> {
    const open = [...this.connections];
    this.connections.clear();
    await Promise.all(open.map((realtime) => realtime.close()));
    this.api.http.close();
  }
}

export const instagramInteropKit: InteropKit = {
  network: "instagram",

  async registerProvider(baseUrl, adminToken, name): Promise<InteropCredentials> {
    const admin = new InstagramAdminClient(baseUrl, adminToken);
    try {
      const provider = await admin.registerProvider(name);
      return { providerId: provider.provider_id, token: provider.token };
    } finally {
      admin.close();
    }
  },

  /** Checks the token at once: a revoked one fails here rather than at the first call. */
  async connect(baseUrl, credentials): Promise<InteropProvider> {
    const api = new InstagramInteropApi(baseUrl, credentials.token);
    try {
      await api.snapshot();
    } catch (error) {
      api.http.close();
      throw error;
    }
    return new InstagramInteropProvider(api);
  },
};
