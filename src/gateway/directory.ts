/**
 * Everyone who takes part in cross-network conversations, as each side sees them: a network's
 * own users as ghosts on Matrix, and everyone as a published third-party identity on the
 * networks that are not their own. Publishing is recorded, so an identity is published once per
 * network and can be withdrawn from every network it went to.
 */
import type { Ghosts } from "../core/ghosts.js";
import type { MatrixPort } from "../core/matrix-port.js";
import type { Logger } from "../logging/logger.js";
import { NETWORK_NAMES } from "../core/portals.js";
import { NetworkError, type NetworkId } from "../network/index.js";
import type { InteropProvider } from "../simnet/client/interop.js";
import type { GatewayMessageRepository } from "../storage/repositories/gateway-messages.js";
import type { GatewayPeopleRepository, GatewayPerson } from "../storage/repositories/gateway-people.js";
import { badgeOf, handleFor, matrixKey, nativeKey, parseParticipant, thirdPartyIdOf, type Participant } from "./participants.js";
import type { ProviderSessions } from "./providers.js";

export interface DirectoryOptions {
  store: GatewayPeopleRepository;
  /** Who reacted with what: forgotten with the person. */
  messages: GatewayMessageRepository;
  sessions: ProviderSessions;
  ghosts: Ghosts;
  matrix: MatrixPort;
  logger: Logger;
}

export class Directory {
  constructor(private readonly options: DirectoryOptions) {}

  /** Records (or renames) someone, and renames their identity wherever it is published. */
  async remember(participant: Participant, name: string): Promise<GatewayPerson> {
    const { store } = this.options;
    const before = store.get(participant.key);
    const person = store.upsert({ participant: participant.key, thirdPartyId: thirdPartyIdOf(participant.key), name, handle: handleFor(participant, name) });
    // A ghost is made when its person first enters a room (enter()); one that exists follows renames.
    const { ghosts } = this.options;
    if (participant.kind === "native" && ghosts.knownName(participant.network, participant.id) !== undefined) await ghosts.ensure(participant.network, { id: participant.id, name });
    if (before && before.name !== name) {
      for (const network of store.publishedOn(participant.key)) await this.publish(network as NetworkId, participant, person);
    }
    return person;
  }

  person(key: string): GatewayPerson | undefined {
    return this.options.store.get(key);
  }

  /** The participant a third-party id the bridge published stands for. */
  byThirdPartyId(id: string): Participant | undefined {
    const person = this.options.store.byThirdPartyId(id);
    return person ? parseParticipant(person.participant) : undefined;
  }

  /** The participant a Matrix user is: one of our ghosts is a network's user, anyone else themselves. */
  participantOfUser(userId: string): Participant | undefined {
    const { matrix, ghosts } = this.options;
    if (userId === matrix.botUserId) return undefined;
    if (matrix.isBridgeUser(userId)) {
      const remote = ghosts.remoteUserOf(userId);
      return remote ? parseParticipant(nativeKey(remote.network, remote.remoteUserId)) : undefined;
    }
    return parseParticipant(matrixKey(userId));
  }

  /**
   * The Matrix user that will speak for a participant in a room they enter: a network user's
   * ghost, registered with their name the first time, or the Matrix user themselves.
   */
  async enter(participant: Participant): Promise<string> {
    if (participant.kind === "matrix") return participant.userId;
    const name = this.options.store.get(participant.key)?.name ?? this.options.ghosts.knownName(participant.network, participant.id) ?? participant.id;
    return this.options.ghosts.ensure(participant.network, { id: participant.id, name });
  }

  /** The Matrix user that speaks for a participant in rooms: their ghost, or themselves. */
  matrixUserOf(participant: Participant): string {
    return participant.kind === "matrix" ? participant.userId : this.options.ghosts.userId(participant.network, participant.id);
  }

  /** The participant's identity on `network`, published there first if it is not yet. */
  async identityOn(network: NetworkId, participant: Participant): Promise<string> {
    const { store } = this.options;
    const person = store.get(participant.key) ?? (await this.remember(participant, await this.nameOf(participant)));
    if (!store.isPublished(participant.key, network)) await this.publish(network, participant, person);
    return person.thirdPartyId;
  }

  /** A receipt or typing passed on as `participant`'s identity: never worth a retry or a stalled stream. */
  async bestEffort(network: NetworkId, participant: Participant, call: (provider: InteropProvider, as: string) => Promise<void>): Promise<void> {
    try {
      const as = await this.identityOn(network, participant);
      await call(this.options.sessions.require(network), as);
    } catch (error) {
      this.options.logger.debug("A network did not take a receipt or typing", { network, error });
    }
  }

  /**
   * Withdraws someone from every network the bridge published them on (which takes them out of
   * every chat there), then forgets them and their reactions. A network that cannot be reached keeps its record, and
   * the call fails naming it, so a retry (the network sends an opt-out again; a person repeats
   * the command) finishes the job.
   */
  async withdraw(participant: Participant): Promise<void> {
    const { store, sessions, logger } = this.options;
    const person = store.get(participant.key);
    if (!person) return;
    const failed: string[] = [];
    for (const network of store.publishedOn(participant.key) as NetworkId[]) {
      try {
        await sessions.require(network).removeIdentity(person.thirdPartyId);
        store.markWithdrawn(participant.key, network);
      } catch (error) {
        logger.warn("Could not withdraw an identity from a network", { network, error });
        failed.push(NETWORK_NAMES[network]);
      }
    }
    if (failed.length > 0) throw new NetworkError("transient", `could not withdraw them from ${failed.join(", ")} yet`);
    store.remove(participant.key);
    this.options.messages.forgetParticipant(participant.key);
  }

  private async publish(network: NetworkId, participant: Participant, person: GatewayPerson): Promise<void> {
    await this.options.sessions.require(network).publishIdentity({ id: person.thirdPartyId, name: shortName(person.name), network: badgeOf(participant), handle: person.handle });
    this.options.store.markPublished(participant.key, network);
  }

  /** A name for someone not yet recorded: a Matrix user's display name, else their id. */
  private async nameOf(participant: Participant): Promise<string> {
    if (participant.kind === "native") return this.options.ghosts.knownName(participant.network, participant.id) ?? participant.id;
    return localpartName(participant.userId);
  }
}

/** Networks show names of at most 64 characters; a longer Matrix display name is cut, not refused. */
const MAX_NAME = 64;
function shortName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= MAX_NAME ? name.trim() : `${chars.slice(0, MAX_NAME - 1).join("")}…`;
}

/** A Matrix user's name when they have no display name: their id's localpart. */
export function localpartName(userId: string): string {
  return userId.replace(/^@/, "").split(":")[0] || userId;
}
