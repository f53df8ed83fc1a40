/**
 * End-to-end encryption as this simulation does it: every device has an X25519 key pair; two
 * devices derive a shared AES-256 key (X25519 → HKDF-SHA256, salted with both public keys) and
 * each payload is sealed with AES-256-GCM under a fresh 12-byte nonce, bound to the envelope id
 * and both device JIDs. A file is sealed once under its own random key, which then travels
 * inside the (per-device encrypted) message. Simpler than the Signal protocol (no ratchet), but
 * the server sees the same thing: ciphertext and routing metadata only.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";

const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const INFO = Buffer.from("crosschat simnet whatsapp e2e v1");
const NONCE = 12;
const TAG = 16;

export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptError";
  }
}

export interface DeviceKeys {
  /** base64 of the raw 32-byte public key, as the server stores it. */
  publicKey: string;
  privateKey: KeyObject;
}

export function generateDeviceKeys(): DeviceKeys {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: rawPublicKey(publicKey), privateKey };
}

function rawPublicKey(key: KeyObject): string {
  return (key.export({ format: "der", type: "spki" }) as Buffer).subarray(SPKI_PREFIX.length).toString("base64");
}

/** The private key as base64 PKCS#8, for a saved session. */
export function exportPrivateKey(keys: DeviceKeys): string {
  return (keys.privateKey.export({ format: "der", type: "pkcs8" }) as Buffer).toString("base64");
}

export function importDeviceKeys(privateKey: string): DeviceKeys {
  const key = createPrivateKey({ key: Buffer.from(privateKey, "base64"), format: "der", type: "pkcs8" });
  return { publicKey: rawPublicKey(createPublicKey(key)), privateKey: key };
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE + TAG) throw new DecryptError("ciphertext too short");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(NONCE, sealed.length - TAG)), decipher.final()]);
  } catch {
    throw new DecryptError("authentication failed: wrong key or tampered ciphertext");
  }
}

/** What a payload is bound to, so the server cannot move it to another envelope or device. */
export const payloadAad = (envelopeId: string, fromDevice: string, toDevice: string) => Buffer.from(`${envelopeId}|${fromDevice}|${toDevice}`);

/**
 * The same binding for a copy to or from a third-party provider's device, by the two devices'
 * public keys: a provider knows users' devices by other names than their phone JIDs, and the
 * keys are what both ends know alike.
 */
export const interopAad = (envelopeId: string, fromKey: string, toKey: string) => Buffer.from(`${envelopeId}|${fromKey}|${toKey}`);

/** One device's pairwise keys with every other device, derived once and cached. */
export class PairwiseCipher {
  private readonly derived = new Map<string, Buffer>();

  constructor(private readonly own: DeviceKeys) {}

  get publicKey(): string {
    return this.own.publicKey;
  }

  private keyFor(peerPublicKey: string): Buffer {
    let key = this.derived.get(peerPublicKey);
    if (!key) {
      const peer = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(peerPublicKey, "base64")]), format: "der", type: "spki" });
      const shared = diffieHellman({ privateKey: this.own.privateKey, publicKey: peer });
      const salt = createHash("sha256").update([this.own.publicKey, peerPublicKey].sort().join("|")).digest();
      key = Buffer.from(hkdfSync("sha256", shared, salt, INFO, 32));
      this.derived.set(peerPublicKey, key);
    }
    return key;
  }

  encrypt(peerPublicKey: string, plaintext: Buffer, aad: Buffer): string {
    return seal(this.keyFor(peerPublicKey), plaintext, aad).toString("base64");
  }

  decrypt(peerPublicKey: string, ciphertext: string, aad: Buffer): Buffer {
    return open(this.keyFor(peerPublicKey), Buffer.from(ciphertext, "base64"), aad);
  }
}

export interface SealedFile {
  /** nonce ‖ ciphertext ‖ tag: what is uploaded. */
  data: Buffer;
  /** base64 of the file's own AES-256 key. */
  key: string;
  /** base64 SHA-256 of the plaintext and of the uploaded ciphertext. */
  sha256: string;
  encSha256: string;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("base64");
const MEDIA_AAD = Buffer.from("whatsapp media");

export function encryptFile(plaintext: Buffer): SealedFile {
  const key = randomBytes(32);
  const data = seal(key, plaintext, MEDIA_AAD);
  return { data, key: key.toString("base64"), sha256: sha256(plaintext), encSha256: sha256(data) };
}

export function decryptFile(data: Buffer, ref: { key: string; sha256: string; enc_sha256: string }): Buffer {
  if (sha256(data) !== ref.enc_sha256) throw new DecryptError("the downloaded file is not the one the message names");
  const plaintext = open(Buffer.from(ref.key, "base64"), data, MEDIA_AAD);
  if (sha256(plaintext) !== ref.sha256) throw new DecryptError("the decrypted file does not match its checksum");
  return plaintext;
}
