/**
 * A change in a third-party chat, as its provider hears of it: Messenger's delta in the
 * provider's terms (participants named as the provider knows them, reads as "up to this
 * message"). Changes the interoperability model has no word for (a group's image, its settings,
 * who is admin) stay between Messenger users.
 */
import type { DeltaBody } from "../deltas.js";
import type { InteropDelta, WireInteropParticipant } from "../protocol.js";
import { findSticker } from "../stickers.js";

export interface Naming {
  /** A Messenger user or contact id as the provider knows that participant. */
  participant(id: string): WireInteropParticipant;
  /** The latest message of the chat sent at or before `timestamp` by someone other than `reader`. */
  latestUpTo(chat: string, timestamp: number, reader: string): string | undefined;
}

export function toInteropDelta(delta: DeltaBody, chat: string, actor: string, naming: Naming): InteropDelta | undefined {
  const by = naming.participant(actor);
  switch (delta.type) {
    case "new_message": {
      const { message } = delta;
      return {
        type: "message",
        chat_id: chat,
        message: {
          id: message.id,
          sender: by,
          timestamp: message.timestamp,
          text: message.text,
          reply_to: message.reply_to,
          attachments: message.attachments,
          sticker: message.sticker_id === null ? null : (findSticker(message.sticker_id) ?? null),
        },
      };
    }
    case "message_edited":
      return { type: "edit", chat_id: chat, message_id: delta.message_id, sender: by, text: delta.text, edit_count: delta.edit_count, edited_at: delta.edited_at };
    case "message_unsent":
      return { type: "unsend", chat_id: chat, message_id: delta.message_id, sender: by, unsent_at: delta.unsent_at };
    case "reaction":
      return { type: "reaction", chat_id: chat, message_id: delta.message_id, sender: by, emoji: delta.emoji };
    case "read_receipt": {
      const upTo = naming.latestUpTo(chat, delta.watermark_timestamp, actor);
      return upTo === undefined ? undefined : { type: "read", chat_id: chat, reader: by, up_to: upTo, watermark_timestamp: delta.watermark_timestamp };
    }
    case "thread_name":
      return { type: "title", chat_id: chat, title: delta.name, by };
    case "participants_added":
      return { type: "members", chat_id: chat, added: delta.user_ids.map((id) => naming.participant(id)), removed: [], by };
    case "participant_removed":
      return { type: "members", chat_id: chat, added: [], removed: [naming.participant(delta.user_id)], by };
    default:
      // thread_created: the chat event is sent by whoever made the chat (chats.ts), for direct chats too.
      return undefined;
  }
}
