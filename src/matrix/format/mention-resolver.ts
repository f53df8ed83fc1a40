/** How a Matrix user is referred to in a pill: the core resolves ids, this module only formats. */
export interface MentionResolver {
  /** Matrix user id -> remote user id on the target network, or undefined to keep it as plain text. */
  remoteUserFor(matrixUserId: string): string | undefined;
  /** remote user id -> { matrixUserId, displayName } for a pill, or undefined to leave the text as is. */
  matrixUserFor(remoteUserId: string): { userId: string; displayName: string } | undefined;
}
