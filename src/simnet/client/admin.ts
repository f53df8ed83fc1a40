/**
 * The admin API as seen from a script or test: fault injection is the same on every network;
 * each network's admin client adds its own account, chat and message routes on top.
 */
import { SimnetHttpClient, type ErrorReader } from "./http.js";

export interface FaultState {
  refusing_for_ms: number;
  failing_next: { count: number; status: number; retryAfter: number } | null;
  duplicating_next: number;
  delivery_delay_ms: number;
}

export class SimnetAdminClient {
  protected readonly http: SimnetHttpClient;

  constructor(baseUrl: string, adminToken: string, readError: ErrorReader) {
    this.http = new SimnetHttpClient({ baseUrl, token: adminToken, readError });
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.http.close();
  }

  faults(): Promise<FaultState> {
    return this.http.request("GET", "/admin/faults");
  }

  clearFaults(): Promise<FaultState> {
    return this.http.request("DELETE", "/admin/faults");
  }

  async dropConnections(): Promise<number> {
    return (await this.http.request<{ dropped: number }>("POST", "/admin/faults/drop-connections", {})).dropped;
  }

  refuseConnections(seconds: number): Promise<FaultState> {
    return this.http.request("POST", "/admin/faults/refuse-connections", { seconds });
  }

  delayDeliveries(ms: number): Promise<FaultState> {
    return this.http.request("POST", "/admin/faults/delay-deliveries", { ms });
  }

  failRequests(count: number, status: 500 | 429 = 500, retryAfter = 1): Promise<FaultState> {
    return this.http.request("POST", "/admin/faults/fail-requests", { count, status, retry_after: retryAfter });
  }

  duplicateDeliveries(count: number): Promise<FaultState> {
    return this.http.request("POST", "/admin/faults/duplicate-deliveries", { count });
  }
}
