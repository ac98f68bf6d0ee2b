import type { AuthnEffect, AuthnFlow, AuthnFlowBase, AuthnInput, AuthnStart, AuthnStep } from './authn-flow.js';

/** The transition does not exist from this state: AuthnService answers 403 E0000079. */
export class AuthnTransitionRefused extends Error {
  constructor(readonly state: AuthnFlow['state'], readonly input: AuthnInput['type']) {
    super(`${input} is not allowed in ${state}`);
    this.name = 'AuthnTransitionRefused';
  }
}

const addMs = (date: Date, ms: number): Date => new Date(date.getTime() + ms);
const earlier = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);

/** Base fields carried into the next state: expiry slid, version bumped. */
function next(flow: AuthnFlow, now: Date, amr: readonly string[] = flow.amr): AuthnFlowBase {
  return {
    id: flow.id,
    stateTokenHash: flow.stateTokenHash,
    userId: flow.userId,
    createdAt: flow.createdAt,
    expiresAt: earlier(addMs(now, flow.policy.idleSeconds * 1000), flow.maxExpiresAt),
    maxExpiresAt: flow.maxExpiresAt,
    relayState: flow.relayState,
    options: flow.options,
    policy: flow.policy,
    amr: [...amr],
    version: flow.version + 1,
  };
}

const withMfa = (amr: readonly string[], factorAmr: readonly string[]): string[] => [
  ...new Set([...amr, ...factorAmr, 'mfa']),
];

/**
 * Once the factors are settled: PASSWORD_EXPIRED, then PASSWORD_WARN (only when the client asked
 * with warnBeforePasswordExpired), then SUCCESS with a sessionToken.
 */
function afterFactors(base: AuthnFlowBase, now: Date, sessionTokenHash: string, skipWarn = false): AuthnStep {
  if (base.policy.password === 'EXPIRED') return { flow: { ...base, state: 'PASSWORD_EXPIRED' }, effects: [] };
  if (base.policy.password === 'WARN' && base.options.warnBeforePasswordExpired && !skipWarn) {
    return { flow: { ...base, state: 'PASSWORD_WARN' }, effects: [] };
  }
  return success(base, now, sessionTokenHash);
}

function success(base: AuthnFlowBase, now: Date, sessionTokenHash: string, effects: AuthnEffect[] = []): AuthnStep {
  return {
    flow: {
      ...base,
      state: 'SUCCESS',
      sessionTokenHash,
      sessionTokenExpiresAt: addMs(now, base.policy.sessionTokenSeconds * 1000),
    },
    effects: [...effects, { type: 'session_token_issued' }],
  };
}

const mergeEffects = (step: AuthnStep, effects: AuthnEffect[]): AuthnStep => ({
  flow: step.flow,
  effects: [...effects, ...step.effects],
});

/** The first state after a right password (primary authentication). */
export function startAuthn(start: AuthnStart, now: Date): AuthnStep {
  const base: AuthnFlowBase = {
    id: start.id,
    stateTokenHash: start.stateTokenHash,
    userId: start.userId,
    createdAt: now,
    expiresAt: earlier(addMs(now, start.policy.idleSeconds * 1000), addMs(now, start.maxSeconds * 1000)),
    maxExpiresAt: addMs(now, start.maxSeconds * 1000),
    relayState: start.relayState,
    options: start.options,
    policy: start.policy,
    amr: ['pwd'],
    version: 1,
  };
  if (start.hasActiveFactor) return { flow: { ...base, state: 'MFA_REQUIRED' }, effects: [] };
  if (start.policy.mfaRequired) return { flow: { ...base, state: 'MFA_ENROLL' }, effects: [] };
  return afterFactors(base, now, start.sessionTokenHash);
}

/** True when MFA_ENROLL may be left without enrolling (only optional factors remain). */
export const canSkipEnroll = (flow: AuthnFlow): boolean => !flow.policy.mfaRequired || flow.amr.includes('mfa');

/**
 * `(flow, input, now) → {flow, effects}`; throws AuthnTransitionRefused when the input is not
 * allowed in the flow's state. SUCCESS is terminal.
 */
export function authnTransition(flow: AuthnFlow, input: AuthnInput, now: Date): AuthnStep {
  const refuse = (): never => {
    throw new AuthnTransitionRefused(flow.state, input.type);
  };
  if (flow.state === 'SUCCESS') return refuse();

  switch (input.type) {
    case 'touch':
      return { flow: { ...flow, ...next(flow, now) }, effects: [] };

    case 'challenged':
      if (flow.state !== 'MFA_REQUIRED' && flow.state !== 'MFA_CHALLENGE') return refuse();
      return {
        flow: {
          ...next(flow, now),
          state: 'MFA_CHALLENGE',
          factorId: input.factorId,
          challenge: input.challenge,
          factorResult: input.challenge === 'waiting' ? 'WAITING' : 'CHALLENGE',
          pushTransactionId: input.pushTransactionId,
        },
        effects: [],
      };

    case 'push_ended':
      if (flow.state !== 'MFA_CHALLENGE' || flow.factorId !== input.factorId) return refuse();
      return {
        flow: { ...flow, ...next(flow, now), factorResult: input.result, pushTransactionId: null },
        effects: [],
      };

    case 'factor_verified':
      if (flow.state !== 'MFA_REQUIRED' && flow.state !== 'MFA_CHALLENGE') return refuse();
      return mergeEffects(afterFactors(next(flow, now, withMfa(flow.amr, input.amr)), now, input.sessionTokenHash), [
        { type: 'mfa_verified', factorId: input.factorId },
      ]);

    case 'enroll_started':
      if (flow.state !== 'MFA_ENROLL') return refuse();
      return {
        flow: { ...next(flow, now), state: 'MFA_ENROLL_ACTIVATE', factorId: input.factorId, resendable: input.resendable },
        effects: [],
      };

    case 'enroll_activated': {
      if (flow.state !== 'MFA_ENROLL_ACTIVATE' || flow.factorId !== input.factorId) return refuse();
      const base = next(flow, now, withMfa(flow.amr, input.amr));
      const effects: AuthnEffect[] = [{ type: 'factor_activated', factorId: input.factorId }];
      if (flow.options.multiOptionalFactorEnroll && input.moreToEnroll) {
        return { flow: { ...base, state: 'MFA_ENROLL' }, effects };
      }
      return mergeEffects(afterFactors(base, now, input.sessionTokenHash), effects);
    }

    case 'skip':
      if (flow.state === 'MFA_ENROLL' && canSkipEnroll(flow)) return afterFactors(next(flow, now), now, input.sessionTokenHash);
      if (flow.state === 'PASSWORD_WARN') return success(next(flow, now), now, input.sessionTokenHash);
      return refuse();

    case 'password_changed':
      if (flow.state !== 'PASSWORD_EXPIRED' && flow.state !== 'PASSWORD_WARN') return refuse();
      return success({ ...next(flow, now), policy: { ...flow.policy, password: 'VALID' } }, now, input.sessionTokenHash);

    case 'previous':
      if (flow.state === 'MFA_CHALLENGE') return { flow: { ...next(flow, now), state: 'MFA_REQUIRED' }, effects: [] };
      if (flow.state === 'MFA_ENROLL_ACTIVATE') return { flow: { ...next(flow, now), state: 'MFA_ENROLL' }, effects: [] };
      return refuse();
  }
}
