/**
 * Changing groups. Adding and removing report per participant; a participant refused is an
 * error naming them, except what a retry of the same call finds already done (someone added
 * twice, or removed when already gone), which is success.
 */
import { NetworkError, type NetworkErrorCode, type RemoteChatId, type RemoteUserId } from "../../network/index.js";
import type { ParticipantResult, WhatsappApi } from "../../simnet/whatsapp/client/api.js";

type Action = "add" | "remove" | "promote" | "demote";

const alreadyDone = (action: Action, result: ParticipantResult) =>
  (action === "add" && result.text === "already_participant") || (action === "remove" && result.text === "not_a_participant");

export async function changeParticipants(api: WhatsappApi, chat: RemoteChatId, action: Action, users: RemoteUserId[]): Promise<void> {
  if (users.length === 0) return;
  const { results } = await api.participants(chat, action, users);
  const refused = results.filter((result) => result.status !== 200 && !alreadyDone(action, result));
  if (refused.length === 0) return;
  const code: NetworkErrorCode = refused.every((result) => result.status === 404) ? "not_found" : "forbidden";
  const who = refused.map((result) => `${result.jid} (${result.text ?? result.status})`).join(", ");
  throw new NetworkError(code, `WhatsApp refused to ${action} ${who} in ${chat}`);
}
