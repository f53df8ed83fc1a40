/**
 * A new account, logged in: what demos, the benchmark and tests need many times. The admin API
 * creates the account and, when the network asks for a code (SMS, 2FA, checkpoint), reads it,
 * so the whole login flow runs as a person would go through it.
 */
import type { Prompt, UserAgent, UserClientKit } from "./agent.js";

export interface LoggedInAccount {
  agent: UserAgent;
  /** What others use to find this person: phone number, email, username. */
  handle: string;
}

export async function createAndLogin(kit: UserClientKit, url: string, adminToken: string, name: string): Promise<LoggedInAccount> {
  const account = await kit.createAccount(url, adminToken, { name });
  const prompt: Prompt = async () => {
    const code = await kit.pendingCode(url, adminToken, account.handle);
    if (code === undefined) throw new Error(`${kit.id} asked ${account.handle} for a code but none is pending`);
    return code;
  };
  const agent = await kit.login(url, { handle: account.handle, ...(account.password ? { password: account.password } : {}) }, prompt);
  return { agent, handle: account.handle };
}
