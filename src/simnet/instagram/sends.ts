/**
 * The kinds of item a client can send, shared by the REST `threads/broadcast/<kind>/` routes
 * and the realtime `send_item` command (the Instagram app sends over its MQTT connection):
 * each kind's body, checked, and the content it makes once the thread's members are known.
 */
import { z } from "zod";
import { parse } from "../core/validate.js";
import { likeContent, mediaContent, shareContent, storyReplyContent, textContent, voiceContent, type BuiltContent } from "./content.js";
import type { Instagram } from "./context.js";
import { clientContext, numericId } from "./fields.js";
import { itemIdParam, threadIdParam } from "./ids.js";
import type { Messaging } from "./messaging.js";
import type { IgItem, SendKind } from "./protocol.js";
import { ownUpload } from "./uploads.js";

const base = z.object({ thread_id: numericId, client_context: clientContext.optional(), replied_to_item_id: numericId.optional() });
const text = base.extend({ text: z.string().max(100_000) });
const upload = base.extend({ upload_id: z.string().max(64) });
const voice = upload.extend({ duration_ms: z.number(), waveform: z.array(z.number()).max(10_000) });
const share = base.extend({ media_id: z.string().max(64) });
const storyReply = share.extend({ text: z.string().max(100_000) });

type SendFields = z.infer<typeof base>;
type Builder = (sender: string, members: string[]) => BuiltContent;

/** Checks a body of one kind; gives its common fields and the builder of its content. */
type Reader = (body: unknown) => { fields: SendFields; build: Builder };

function reader<S extends z.ZodType<SendFields>>(schema: S, build: (request: z.infer<S>, sender: string, members: string[]) => BuiltContent): Reader {
  return (body) => {
    const request = parse(schema, body);
    return { fields: request, build: (sender, members) => build(request, sender, members) };
  };
}

export interface ItemAckBody {
  action: "item_ack";
  status_code: "200";
  payload: { client_context: string | undefined; item_id: string; thread_id: string; timestamp: string };
  item: IgItem;
}

export class Sends {
  private readonly readers: Record<SendKind, Reader>;

  constructor(
    private readonly ig: Instagram,
    private readonly messaging: Messaging,
  ) {
    this.readers = {
      text: reader(text, (r) => textContent(r.text)),
      like: reader(base, () => likeContent()),
      configure_photo: reader(upload, (r, sender) => mediaContent(ownUpload(ig.media, sender, r.upload_id, ["photo"]))),
      configure_video: reader(upload, (r, sender) => mediaContent(ownUpload(ig.media, sender, r.upload_id, ["video"]))),
      share_voice: reader(voice, (r, sender) => voiceContent(ownUpload(ig.media, sender, r.upload_id, ["audio"]), r.duration_ms, r.waveform)),
      media_share: reader(share, (r) => shareContent(ig.posts.get(r.media_id), "media_share")),
      clip_share: reader(share, (r) => shareContent(ig.posts.get(r.media_id), "clip")),
      reel_share: reader(storyReply, (r, sender, members) => storyReplyContent(ig.posts.get(r.media_id), r.text, sender, members, ig.now())),
    };
  }

  /** Sends an item of `kind` from `body`; resolves once committed, with Instagram's item_ack. */
  async send(sender: string, kind: SendKind, body: unknown): Promise<ItemAckBody> {
    const { fields, build } = this.readers[kind](body);
    const item = await this.messaging.send({
      sender,
      threadId: threadIdParam(fields.thread_id),
      ...(fields.client_context !== undefined ? { clientContext: fields.client_context } : {}),
      ...(fields.replied_to_item_id !== undefined ? { repliedTo: itemIdParam(fields.replied_to_item_id, "replied_to_item_id") } : {}),
      build: (members) => build(sender, members),
    });
    const payload = { client_context: item.client_context, item_id: item.item_id, thread_id: fields.thread_id, timestamp: String(item.timestamp) };
    return { action: "item_ack", status_code: "200", payload, item };
  }
}
