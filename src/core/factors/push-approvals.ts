import type { RequestContext } from '../audit/audit-event.js';
import type { EventLog } from '../audit/event-log.js';
import type { Clock } from '../clock.js';
import { sha256Hex } from '../hashing.js';
import type { Logger } from '../logger.js';
import type { FactorStore } from './factor-store.js';
import { pushResult, type PushResult, type PushTransaction, type PushTransactionStore } from './push-transaction.js';

export type PushDecision = 'approve' | 'deny';

/** How the device names the request: the link token from the mail, or the transaction id (CLI). */
export type PushReference = { linkToken: string } | { transactionId: string };

export interface PushAnswer {
  /** True when this call answered; false when the request was already answered or expired. */
  answered: boolean;
  result: PushResult;
  transaction: PushTransaction;
}

const TRANSACTION_ID = /^v2mst\.[0-9A-Za-z]{22}$/;

/** Whether a string the user typed is a transaction id (`v2mst.…`) rather than a link token. */
export const isPushTransactionId = (value: string): boolean => TRANSACTION_ID.test(value);

/**
 * The authenticator side of push: what the approval page and `latchkey push approve|deny` call.
 * Answering is bound to the transaction the link was minted for (and through it to one factor and
 * user); a transaction is answered once. Approving an enrolment request activates the factor.
 */
export class PushApprovals {
  constructor(
    private readonly o: {
      transactions: PushTransactionStore;
      factors: FactorStore;
      clock: Clock;
      logger: Logger;
      events?: EventLog;
    },
  ) {}

  /** The transaction a reference names, or null (unknown link token or id). */
  async find(reference: PushReference): Promise<PushTransaction | null> {
    return 'linkToken' in reference
      ? this.o.transactions.findPushTransactionByLinkHash(sha256Hex(reference.linkToken))
      : this.o.transactions.findPushTransaction(reference.transactionId);
  }

  resultOf(transaction: PushTransaction): PushResult {
    return pushResult(transaction, this.o.clock.now());
  }

  /** Approves or denies; null when the reference names no transaction. */
  async answer(reference: PushReference, decision: PushDecision, context: RequestContext | null): Promise<PushAnswer | null> {
    const found = await this.find(reference);
    if (found === null) return null;
    const now = this.o.clock.now();
    const answered = await this.o.transactions.answerPushTransaction(found.id, decision === 'approve' ? 'SUCCESS' : 'REJECTED', now);
    const transaction = (await this.o.transactions.findPushTransaction(found.id)) ?? found;
    if (answered && decision === 'approve' && transaction.purpose === 'activate') {
      await this.o.factors.activateFactor(transaction.factorId, now);
    }
    if (answered) {
      this.o.logger.info({ event: 'push.answered', factorId: transaction.factorId, decision, purpose: transaction.purpose }, 'push answered');
      await this.o.events?.record(
        {
          eventType: decision === 'approve' ? 'user.mfa.okta_verify' : 'user.mfa.okta_verify.deny_push',
          severity: decision === 'approve' ? 'INFO' : 'WARN',
          displayMessage: decision === 'approve' ? 'Push approved' : 'User rejected push notification',
          outcome: { result: decision === 'approve' ? 'SUCCESS' : 'DENY', reason: transaction.purpose === 'activate' ? 'enrolment' : null },
          actor: { id: transaction.userId, type: 'User', alternateId: null, displayName: null },
          target: [{ id: transaction.factorId, type: 'Factor', alternateId: null, displayName: 'push' }],
        },
        context,
      );
    }
    return { answered, result: pushResult(transaction, now), transaction };
  }
}
