import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { Random } from '../random.js';

const VERSION = 'v1';

/**
 * AES-256-GCM for private keys at rest. The key is SHA-256 of the configured secret (any string
 * of 32+ characters); the kid is authenticated as associated data, so a ciphertext cannot be
 * moved to another key's row. Format: v1.<iv>.<ciphertext>.<tag>, base64url.
 */
export class KeyCipher {
  private readonly key: Buffer;

  constructor(secret: string, private readonly random: Random) {
    if (secret.length < 32) throw new Error('the key encryption secret must be at least 32 characters');
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = Buffer.from(this.random.bytes(12));
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Throws when the ciphertext was altered, belongs to another aad, or was made under another key. */
  decrypt(ciphertext: string, aad: string): string {
    const [version, iv, body, tag] = ciphertext.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
      throw new Error('unrecognised key ciphertext');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
