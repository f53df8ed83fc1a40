/** The HTTP face of group management; the rules live in groups.ts. */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { parse } from "../core/validate.js";
import { inThread, requireNumericId, type ThreadAccess } from "./access.js";
import { addParticipants, normaliseGroupName, removeParticipant, renameGroup, setAdmin, setAdminOnlyEdits, setGroupImage } from "./groups.js";
import { LIMITS } from "./protocol.js";
import type { Messenger } from "./services.js";
import { threadView } from "./views.js";

const NameBody = z.object({ name: z.string().nullable() });
const ImageBody = z.object({ attachment_id: z.string().min(1).max(100).nullable() });
const SettingsBody = z.object({ admin_only_edits: z.boolean() });
const AddBody = z.object({ user_ids: z.array(z.string().min(1).max(20)).min(1).max(LIMITS.maxGroupParticipants) });
const AdminBody = z.object({ is_admin: z.boolean() });

export function addGroupRoutes(m: Messenger, routes: Router): void {
  /** A change to one group; the answer is the group as it is afterwards. */
  const change = <S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    act: (access: ThreadAccess, body: z.infer<S>, params: Record<string, string>) => void,
  ) =>
    routes.add(
      method,
      `/v1/threads/:threadId${path}`,
      inThread(m, ({ body, params }, access) => {
        act(access, parse(schema, body), params);
        return { body: { thread: threadView(m, m.threads.get(access.thread.key)!, access.me.account) } };
      }),
    );
  const userId = (params: Record<string, string>) => requireNumericId(params.userId ?? "", "user");

  change("POST", "/name", NameBody, (access, { name }) => renameGroup(m, access, normaliseGroupName(name)));
  change("POST", "/image", ImageBody, (access, { attachment_id }) => setGroupImage(m, access, attachment_id));
  change("POST", "/settings", SettingsBody, (access, { admin_only_edits }) => setAdminOnlyEdits(m, access, admin_only_edits));
  change("POST", "/participants", AddBody, (access, { user_ids }) => addParticipants(m, access, user_ids.map((id) => requireNumericId(id, "user"))));
  change("DELETE", "/participants/:userId", z.unknown(), (access, _body, params) => removeParticipant(m, access, userId(params)));
  change("PUT", "/admins/:userId", AdminBody, (access, { is_admin }, params) => setAdmin(m, access, userId(params), is_admin));
}
