import type { RequestContext } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { AuthError } from '../errors.js';
import { factorTransition } from '../flows/factor-lifecycle.js';
import { sha256Hex } from '../hashing.js';
import type { User } from '../identity/user.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mail-message.js';
import { pushMail } from '../mail/push-mail.js';
import { oktaId, randomBase62, randomToken, type Random } from '../random.js';
import { enforceLimit } from '../ratelimit/enforce.js';
import type { RateLimiter, RateLimitRule } from '../ratelimit/rate-limiter.js';
import type { Factor } from './factor.js';
import type { FactorStore } from './factor-store.js';
import type { ChallengeOutcome, EnrollInput, EnrollResult, FactorStrategy, VerifyOutcome } from './factor-strategy.js';
import { pushResult, type PushPurpose, type PushTransaction, type PushTransactionStore } from './push-transaction.js';
import { clearPendingEnrolment } from './enrolment.js';

export interface PushFactorStrategyOptions {
  factors: FactorStore;
  transactions: PushTransactionStore;
  mailer: Mailer;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  logger: Logger;
  productName: string;
  /** The approval page for a link token (on this server). */
  approvalPageUrl: (linkToken: string) => string;
  /** How long the device has to answer (Okta: 5 min). */
  lifetimeSeconds: number;
  /** Push requests mailed per user per hour. */
  sendsPerHour: number;
}

const notAllowed = (message: string) => new AuthError('operation_not_allowed', message);
const transactionNotFound = (id: string) =>
  new AuthError('not_found', `Not found: Resource not found: ${id} (Transaction)`, { resource: 'Transaction' });

/**
 * Okta's `push` factor without Okta Verify: the "device" is the user's mailbox. A challenge
 * creates a WAITING transaction and mails a single-use link to an approval page (or the user
 * answers with `latchkey push approve|deny`); the requester polls until SUCCESS, REJECTED or
 * TIMEOUT. Enrolment works the same way: approving the activation request activates the factor.
 */
export class PushFactorStrategy implements FactorStrategy {
  readonly factorType = 'push' as const;
  readonly providers = ['OKTA'] as const;
  readonly amr = ['mca'] as const;
  private readonly sendRule: RateLimitRule;

  constructor(private readonly o: PushFactorStrategyOptions) {
    this.sendRule = { name: 'push-send:hour', limit: o.sendsPerHour, windowMs: 3_600_000 };
  }

  async enroll(user: User, input: EnrollInput, context: RequestContext | null): Promise<EnrollResult> {
    const existing = (await this.o.factors.listFactors(user.id)).find((f) => f.factorType === 'push');
    await clearPendingEnrolment(this.o.factors, existing);
    const now = this.o.clock.now();
    const factor = await this.o.factors.createFactor({
      id: oktaId(this.o.random, 'opf'),
      userId: user.id,
      factorType: 'push',
      provider: 'OKTA',
      status: input.activateNow ? 'ACTIVE' : 'PENDING_ACTIVATION',
      profile: { credentialId: user.profile.login, deviceType: 'Email', name: user.profile.email, platform: 'LATCHKEY', version: '1' },
      created: now,
      lastUpdated: now,
    });
    if (input.activateNow) return { factor };
    const tx = await this.request(user, factor, 'activate', context);
    return { factor, activation: { expiresAt: tx.expiresAt.toISOString(), factorResult: 'WAITING' } };
  }

  /** A new activation request (the previous one may have expired). */
  async resendActivation(user: User, factor: Factor, context: RequestContext | null): Promise<void> {
    if (factorTransition(factor.status, 'resend') === null) throw notAllowed('The factor is already active');
    await this.request(user, factor, 'activate', context);
  }

  /**
   * The device activates a push factor (by approving the enrolment request); this only reports
   * it: fine once the factor is ACTIVE, operation_not_allowed while the approval is outstanding.
   */
  async activate(_user: User, factor: Factor): Promise<void> {
    const current = await this.o.factors.findFactor(factor.id);
    if (current?.status !== 'ACTIVE') throw notAllowed('The activation request has not been approved yet');
  }

  async challenge(user: User, factor: Factor, context: RequestContext | null): Promise<ChallengeOutcome> {
    if (factorTransition(factor.status, 'challenge') === null) throw notAllowed('The factor is not active');
    const tx = await this.request(user, factor, 'verify', context);
    return { kind: 'waiting', transactionId: tx.id, expiresAt: tx.expiresAt };
  }

  /** With a transactionId: the poll. Without: a new challenge (Okta's verify of a push factor). */
  async verify(
    user: User,
    factor: Factor,
    answer: { passCode?: string; transactionId?: string },
    context: RequestContext | null,
  ): Promise<VerifyOutcome> {
    if (factorTransition(factor.status, 'verify') === null) throw notAllowed('The factor is not active');
    if (answer.transactionId === undefined) {
      const outcome = await this.challenge(user, factor, context);
      if (outcome.kind !== 'waiting') throw new Error('unreachable');
      return { result: 'WAITING', transactionId: outcome.transactionId, expiresAt: outcome.expiresAt };
    }
    const tx = await this.o.transactions.findPushTransaction(answer.transactionId);
    // Bound to the factor (and user) it was created for: another factor's transaction does not exist here.
    if (tx === null || tx.factorId !== factor.id || tx.userId !== user.id || tx.purpose !== 'verify') {
      throw transactionNotFound(answer.transactionId);
    }
    const now = this.o.clock.now();
    const result = pushResult(tx, now);
    switch (result) {
      case 'WAITING':
        return { result: 'WAITING', transactionId: tx.id, expiresAt: tx.expiresAt };
      case 'SUCCESS':
        // One approval completes one verification.
        if (!(await this.o.transactions.consumePushSuccess(tx.id, now))) throw notAllowed('The push transaction was already completed');
        return { result: 'SUCCESS' };
      case 'TIMEOUT':
        return { result: 'TIMEOUT' };
      case 'REJECTED':
      case 'CANCELLED':
        return { result: 'REJECTED' };
    }
  }

  /** The requester gives up on a WAITING transaction (Okta's `cancel` link). */
  async cancel(user: User, factor: Factor, transactionId: string): Promise<void> {
    const tx = await this.o.transactions.findPushTransaction(transactionId);
    if (tx === null || tx.factorId !== factor.id || tx.userId !== user.id) throw transactionNotFound(transactionId);
    await this.o.transactions.answerPushTransaction(tx.id, 'CANCELLED', this.o.clock.now());
  }

  private async request(user: User, factor: Factor, purpose: PushPurpose, context: RequestContext | null): Promise<PushTransaction> {
    const now = this.o.clock.now();
    await enforceLimit(this.o.limiter, this.sendRule, user.id, now);
    const linkToken = randomToken(this.o.random, 32);
    const tx: PushTransaction = {
      id: `v2mst.${randomBase62(this.o.random, 22)}`,
      userId: user.id,
      factorId: factor.id,
      purpose,
      status: 'WAITING',
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.o.lifetimeSeconds * 1000),
      answeredAt: null,
      consumedAt: null,
      linkTokenHash: sha256Hex(linkToken),
      requestIp: context?.ip ?? null,
      requestUserAgent: context?.userAgent ?? null,
    };
    await this.o.transactions.createPushTransaction(tx);
    const message = pushMail({
      to: user.profile.email,
      purpose,
      pageUrl: this.o.approvalPageUrl(linkToken),
      requestedAt: now,
      expiresAt: tx.expiresAt,
      ip: tx.requestIp,
      userAgent: tx.requestUserAgent,
      productName: this.o.productName,
      firstName: user.profile.firstName,
    });
    try {
      await this.o.mailer.send(message);
    } catch (error) {
      // Nobody can answer a request that never arrived: end it now.
      await this.o.transactions.answerPushTransaction(tx.id, 'CANCELLED', now);
      this.o.logger.error({ userId: user.id, factorId: factor.id, purpose, err: error }, 'push mail not delivered');
      throw error instanceof AuthError ? error : new AuthError('mail_delivery_failed', 'Mail delivery failed', { cause: error });
    }
    this.o.logger.info({ event: 'push.sent', userId: user.id, factorId: factor.id, purpose }, 'push request sent');
    return tx;
  }
}
