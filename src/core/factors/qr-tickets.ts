import type { Clock } from '../clock.js';
import type { SecretCipher } from './secret-cipher.js';

const CONTEXT = 'latchkey qr ticket';

/**
 * Short-lived, unguessable tickets for QR code images: the ticket is the otpauth:// URI and its
 * expiry sealed with AES-256-GCM, so the image route needs no storage and the URL reveals nothing
 * to whoever sees it later (logs, history) once it has expired. Anyone holding a live ticket can
 * fetch the image, exactly as anyone holding the enrolment response can read the shared secret.
 */
export class QrTickets {
  constructor(private readonly o: { cipher: SecretCipher; clock: Clock; lifetimeSeconds: number }) {}

  issue(otpauthUri: string): { ticket: string; expiresAt: Date } {
    const expiresAt = new Date(this.o.clock.now().getTime() + this.o.lifetimeSeconds * 1000);
    const ticket = this.o.cipher.seal(JSON.stringify({ u: otpauthUri, e: expiresAt.getTime() }), CONTEXT);
    return { ticket, expiresAt };
  }

  /** The otpauth:// URI, or null for a forged, tampered or expired ticket. */
  open(ticket: string): string | null {
    const plain = this.o.cipher.open(ticket, CONTEXT);
    if (plain === null) return null;
    const parsed = JSON.parse(plain) as { u?: unknown; e?: unknown };
    if (typeof parsed.u !== 'string' || typeof parsed.e !== 'number') return null;
    return parsed.e > this.o.clock.now().getTime() ? parsed.u : null;
  }
}
