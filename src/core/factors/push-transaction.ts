/** What a push asks the device to approve: a sign-in (verify) or the enrolment of the device itself (activate). */
export type PushPurpose = 'verify' | 'activate';

/** WAITING until the device answers (SUCCESS or REJECTED) or the transaction expires (TIMEOUT, computed on read). */
export type PushStatus = 'WAITING' | 'SUCCESS' | 'REJECTED' | 'CANCELLED';

export interface PushTransaction {
  /** Okta-style transaction id (`v2mst.` + base62), shown in poll links; also accepted by the CLI. */
  id: string;
  userId: string;
  factorId: string;
  purpose: PushPurpose;
  status: PushStatus;
  createdAt: Date;
  expiresAt: Date;
  answeredAt: Date | null;
  /** When the poller took the SUCCESS (a success is handed out once). */
  consumedAt: Date | null;
  /** SHA-256 hex of the single-use link token mailed to the user. */
  linkTokenHash: string;
  /** Where the request came from, shown on the approval page. */
  requestIp: string | null;
  requestUserAgent: string | null;
}

/** The result a poller sees: TIMEOUT once a WAITING transaction has expired. */
export type PushResult = 'WAITING' | 'SUCCESS' | 'REJECTED' | 'CANCELLED' | 'TIMEOUT';

export function pushResult(tx: PushTransaction, now: Date): PushResult {
  if (tx.status === 'WAITING') return tx.expiresAt <= now ? 'TIMEOUT' : 'WAITING';
  return tx.status;
}

export interface PushTransactionStore {
  createPushTransaction(tx: PushTransaction): Promise<void>;
  findPushTransaction(id: string): Promise<PushTransaction | null>;
  findPushTransactionByLinkHash(linkTokenHash: string): Promise<PushTransaction | null>;
  /**
   * WAITING → `answer`, only while WAITING and unexpired at `now`. True for exactly one caller:
   * a transaction is answered once (by link, CLI or the requester's cancel), whichever comes first.
   */
  answerPushTransaction(id: string, answer: 'SUCCESS' | 'REJECTED' | 'CANCELLED', now: Date): Promise<boolean>;
  /** Marks a SUCCESS as taken; true for exactly one caller (a push approval completes one sign-in). */
  consumePushSuccess(id: string, now: Date): Promise<boolean>;
}
