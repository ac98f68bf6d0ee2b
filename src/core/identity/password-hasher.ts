/** Password hashing port: argon2id in production, anything deterministic in unit tests. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Never throws on a malformed hash: answers false. */
  verify(hash: string, password: string): Promise<boolean>;
  /** True when the hash was made with weaker parameters than the current ones. */
  needsRehash(hash: string): boolean;
  /** A hash of a random password, verified against for unknown users so timing does not tell. */
  dummyHash(): Promise<string>;
}
