/**
 * Creating Matrix users on a homeserver we control (the test and dev Synapse), through Synapse's
 * shared-secret registration API, so that no open registration or admin account is needed.
 */
import { createHmac } from "node:crypto";

export interface RegisterMatrixUserOptions {
  homeserverUrl: string;
  /** Synapse's `registration_shared_secret`. */
  sharedSecret: string;
  username: string;
  password: string;
  admin?: boolean;
  displayname?: string;
}

export interface RegisteredMatrixUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

const REGISTER_PATH = "/_synapse/admin/v1/register";

/** Reads a JSON body, turning a non-2xx answer into an error that carries Synapse's errcode. */
async function readJson(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy error page, say): reported below with the raw text.
  }
  if (!response.ok) {
    const reason =
      typeof body["errcode"] === "string"
        ? `${String(body["errcode"])}: ${String(body["error"] ?? "")}`
        : text.slice(0, 500);
    throw new Error(`${what} failed with HTTP ${response.status} (${reason})`);
  }
  return body;
}

/**
 * The MAC Synapse expects: HMAC-SHA1 keyed with the shared secret over the NUL-separated
 * nonce, user name, password and admin flag, hex encoded.
 */
export function registrationMac(
  sharedSecret: string,
  nonce: string,
  username: string,
  password: string,
  admin: boolean,
): string {
  return createHmac("sha1", sharedSecret)
    .update([nonce, username, password, admin ? "admin" : "notadmin"].join("\0"))
    .digest("hex");
}

/** Registers a user (localpart `username`) and returns a logged-in access token for it. */
export async function registerMatrixUser(options: RegisterMatrixUserOptions): Promise<RegisteredMatrixUser> {
  const base = options.homeserverUrl.replace(/\/+$/, "");
  const what = `registering Matrix user ${JSON.stringify(options.username)} at ${base}`;

  const nonceBody = await readJson(await fetch(`${base}${REGISTER_PATH}`), `${what}: getting a nonce`);
  const nonce = nonceBody["nonce"];
  if (typeof nonce !== "string") throw new Error(`${what}: the homeserver sent no nonce`);

  const admin = options.admin ?? false;
  const request: Record<string, unknown> = {
    nonce,
    username: options.username,
    password: options.password,
    admin,
    mac: registrationMac(options.sharedSecret, nonce, options.username, options.password, admin),
  };
  if (options.displayname !== undefined) request["displayname"] = options.displayname;

  const body = await readJson(
    await fetch(`${base}${REGISTER_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    }),
    what,
  );
  const { user_id: userId, access_token: accessToken, device_id: deviceId } = body;
  if (typeof userId !== "string" || typeof accessToken !== "string" || typeof deviceId !== "string") {
    throw new Error(`${what}: unexpected answer ${JSON.stringify(body)}`);
  }
  return { userId, accessToken, deviceId };
}
