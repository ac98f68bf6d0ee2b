import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import type { PasswordHasher } from '../core/identity/password-hasher.js';
import { cryptoRandom, randomToken, type Random } from '../core/random.js';
import { Gate } from './gate.js';

export interface Argon2Params {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Argon2PasswordHasherOptions extends Partial<Argon2Params> {
  /** Source of the dummy password. */
  random?: Random;
  /**
   * Hashes allowed on libuv's thread pool at once; the rest wait in line. Default 3: libuv's
   * default pool of 4 minus one, so WebCrypto (jose's HMAC and RSA), fs and dns always find a free thread during a
   * login storm instead of queueing behind seconds of argon2.
   */
  maxConcurrent?: number;
}



/**
 * The package declares its enums as ambient `const enum`s, which isolatedModules cannot read and
 * which are empty objects at run time, so the value is spelled out: Algorithm.Argon2id = 2.
 */
const ARGON2ID: Algorithm = 2;

/** OWASP Password Storage Cheat Sheet minimum for argon2id. */
const OWASP: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Verifying runs whatever cost the stored string names; a corrupted or planted string with
 * m=4294967295 would hold a worker thread (and terabytes of address space) for minutes. Hashes
 * above these ceilings, or above the configured parameters if those are higher, are refused.
 */
const VERIFY_CEILING: Argon2Params = { memoryCost: 262_144, timeCost: 16, parallelism: 8 };

interface PhcArgon2 {
  algorithm: string;
  version: number;
  params: Argon2Params;
}

/** $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>; `v=` may be absent in old strings (meaning 16). */
const PHC = /^\$(argon2(?:id|i|d))\$(?:v=(\d{1,3})\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

function parsePhc(encoded: string): PhcArgon2 | undefined {
  const match = PHC.exec(encoded);
  if (match === null) return undefined;
  const [, algorithm = '', version, m = '', t = '', p = ''] = match;
  return {
    algorithm,
    version: version === undefined ? 16 : Number(version),
    params: { memoryCost: Number(m), timeCost: Number(t), parallelism: Number(p) },
  };
}

/**
 * argon2id via @node-rs/argon2. Its async `hash` and `verify` are napi AsyncTasks: the work runs
 * on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default), not on the event loop. That pool is
 * shared with fs, dns.lookup and zlib, so a burst of logins can delay those; size it accordingly.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly params: Argon2Params;
  private readonly options: Options;
  private readonly ceiling: Argon2Params;
  private readonly random: Random;
  private dummy: Promise<string> | undefined;
  private readonly gate: Gate;

  constructor(options: Argon2PasswordHasherOptions = {}) {
    this.params = {
      memoryCost: options.memoryCost ?? OWASP.memoryCost,
      timeCost: options.timeCost ?? OWASP.timeCost,
      parallelism: options.parallelism ?? OWASP.parallelism,
    };
    for (const [name, value] of Object.entries(this.params)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`argon2 ${name} must be a positive integer`);
    }
    this.options = { ...this.params, algorithm: ARGON2ID };
    this.ceiling = {
      memoryCost: Math.max(VERIFY_CEILING.memoryCost, this.params.memoryCost),
      timeCost: Math.max(VERIFY_CEILING.timeCost, this.params.timeCost),
      parallelism: Math.max(VERIFY_CEILING.parallelism, this.params.parallelism),
    };
    this.random = options.random ?? cryptoRandom;
    this.gate = new Gate(Math.max(1, options.maxConcurrent ?? 3));
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, this.options));
  }

  async verify(encoded: string, password: string): Promise<boolean> {
    const parsed = parsePhc(encoded);
    if (parsed === undefined || exceeds(parsed.params, this.ceiling)) return false;
    try {
      // Parameters, salt and algorithm come from the encoded string.
      return await this.gate.run(() => verify(encoded, password));
    } catch {
      // Malformed salt or digest, or a bad parameter combination: not a match, by contract.
      return false;
    }
  }

  needsRehash(encoded: string): boolean {
    const parsed = parsePhc(encoded);
    if (parsed === undefined || parsed.algorithm !== 'argon2id' || parsed.version < 19) return true;
    const { memoryCost, timeCost, parallelism } = parsed.params;
    return (
      memoryCost < this.params.memoryCost || timeCost < this.params.timeCost || parallelism < this.params.parallelism
    );
  }

  /** Same parameters as real hashes, so verifying an unknown user costs what a known one does. */
  dummyHash(): Promise<string> {
    if (this.dummy === undefined) {
      const pending = this.hash(randomToken(this.random, 32));
      this.dummy = pending;
      // A failure must not be memoised: the next caller tries again.
      pending.catch(() => {
        if (this.dummy === pending) this.dummy = undefined;
      });
    }
    return this.dummy;
  }
}

function exceeds(params: Argon2Params, ceiling: Argon2Params): boolean {
  return (
    params.memoryCost > ceiling.memoryCost ||
    params.timeCost > ceiling.timeCost ||
    params.parallelism > ceiling.parallelism
  );
}
