import { describe, expect, it } from 'vitest';
import type { AuthnFlow, AuthnStart } from '../../src/core/flows/authn/authn-flow.js';
import { authnTransition, AuthnTransitionRefused, canSkipEnroll, startAuthn } from '../../src/core/flows/authn/authn-transitions.js';

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const start = (extra: Partial<AuthnStart> = {}, policy: Partial<AuthnStart['policy']> = {}): AuthnStart => ({
  id: 'tx1',
  stateTokenHash: 'sth',
  sessionTokenHash: 'first-session',
  userId: 'u1',
  hasActiveFactor: true,
  relayState: null,
  options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: false },
  policy: { mfaRequired: true, password: 'VALID', passwordExpiresAt: null, idleSeconds: 300, sessionTokenSeconds: 300, ...policy },
  maxSeconds: 3600,
  ...extra,
});

describe('authn transitions (pure)', () => {
  it('starts in MFA_REQUIRED, MFA_ENROLL or straight at SUCCESS', () => {
    expect(startAuthn(start(), T0).flow.state).toBe('MFA_REQUIRED');
    expect(startAuthn(start({ hasActiveFactor: false }), T0).flow.state).toBe('MFA_ENROLL');
    const direct = startAuthn(start({ hasActiveFactor: false }, { mfaRequired: false }), T0);
    expect(direct.flow).toMatchObject({ state: 'SUCCESS', sessionTokenHash: 'first-session', sessionTokenExpiresAt: at(300), amr: ['pwd'] });
    expect(direct.effects).toEqual([{ type: 'session_token_issued' }]);
    expect(startAuthn(start({ hasActiveFactor: false }, { mfaRequired: false, password: 'EXPIRED' }), T0).flow.state).toBe('PASSWORD_EXPIRED');
  });

  it('challenge → verify → SUCCESS, with mfa in amr and the expiry slid', () => {
    const required = startAuthn(start(), T0).flow;
    expect(required.expiresAt).toEqual(at(300));
    const challenged = authnTransition(required, { type: 'challenged', factorId: 'emf1', challenge: 'sent', pushTransactionId: null }, at(100)).flow;
    expect(challenged).toMatchObject({ state: 'MFA_CHALLENGE', factorResult: 'CHALLENGE', expiresAt: at(400), version: 2 });
    const done = authnTransition(challenged, { type: 'factor_verified', factorId: 'emf1', amr: ['otp'], sessionTokenHash: 's2' }, at(200));
    expect(done.flow).toMatchObject({ state: 'SUCCESS', amr: ['pwd', 'otp', 'mfa'], sessionTokenHash: 's2', version: 3 });
    expect(done.effects).toEqual([{ type: 'mfa_verified', factorId: 'emf1' }, { type: 'session_token_issued' }]);
    expect(() => authnTransition(done.flow, { type: 'touch' }, at(201))).toThrow(AuthnTransitionRefused);
  });

  it('push: WAITING polls, REJECTED keeps MFA_CHALLENGE; previous goes back', () => {
    const required = startAuthn(start(), T0).flow;
    const waiting = authnTransition(required, { type: 'challenged', factorId: 'opf1', challenge: 'waiting', pushTransactionId: 'p1' }, at(1)).flow;
    expect(waiting).toMatchObject({ factorResult: 'WAITING', pushTransactionId: 'p1' });
    const rejected = authnTransition(waiting, { type: 'push_ended', factorId: 'opf1', result: 'REJECTED' }, at(2)).flow;
    expect(rejected).toMatchObject({ state: 'MFA_CHALLENGE', factorResult: 'REJECTED', pushTransactionId: null });
    expect(authnTransition(rejected, { type: 'previous' }, at(3)).flow.state).toBe('MFA_REQUIRED');
    expect(() => authnTransition(required, { type: 'previous' }, at(3))).toThrow(AuthnTransitionRefused);
  });

  it('enrolment: multiOptionalFactorEnroll returns to MFA_ENROLL, which may then be skipped', () => {
    const s = start({ hasActiveFactor: false, options: { multiOptionalFactorEnroll: true, warnBeforePasswordExpired: false } });
    const enroll = startAuthn(s, T0).flow;
    expect(canSkipEnroll(enroll)).toBe(false);
    expect(() => authnTransition(enroll, { type: 'skip', sessionTokenHash: 'x' }, at(1))).toThrow(AuthnTransitionRefused);
    const activate = authnTransition(enroll, { type: 'enroll_started', factorId: 'ost1', resendable: false }, at(1)).flow;
    expect(authnTransition(activate, { type: 'previous' }, at(2)).flow.state).toBe('MFA_ENROLL');
    expect(() => authnTransition(activate, { type: 'enroll_activated', factorId: 'other', amr: ['otp'], moreToEnroll: true, sessionTokenHash: 'x' }, at(2))).toThrow(AuthnTransitionRefused);
    const again = authnTransition(activate, { type: 'enroll_activated', factorId: 'ost1', amr: ['otp'], moreToEnroll: true, sessionTokenHash: 'x' }, at(2)).flow;
    expect(again.state).toBe('MFA_ENROLL');
    expect(canSkipEnroll(again)).toBe(true);
    expect(authnTransition(again, { type: 'skip', sessionTokenHash: 's3' }, at(3)).flow.state).toBe('SUCCESS');
    const single = startAuthn(start({ hasActiveFactor: false }), T0).flow;
    const act = authnTransition(single, { type: 'enroll_started', factorId: 'emf1', resendable: true }, at(1)).flow;
    expect(authnTransition(act, { type: 'enroll_activated', factorId: 'emf1', amr: ['otp'], moreToEnroll: true, sessionTokenHash: 's' }, at(2)).flow.state).toBe('SUCCESS');
  });

  it('password expiry comes after the factors; WARN only when asked for, and skippable', () => {
    const warnStart = start({ options: { multiOptionalFactorEnroll: false, warnBeforePasswordExpired: true } }, { password: 'WARN', passwordExpiresAt: at(86_400) });
    const verified = (flow: AuthnFlow) => authnTransition(flow, { type: 'factor_verified', factorId: 'f', amr: ['otp'], sessionTokenHash: 's' }, at(1)).flow;
    const warn = verified(startAuthn(warnStart, T0).flow);
    expect(warn.state).toBe('PASSWORD_WARN');
    expect(authnTransition(warn, { type: 'skip', sessionTokenHash: 's' }, at(2)).flow.state).toBe('SUCCESS');
    const changed = authnTransition(warn, { type: 'password_changed', sessionTokenHash: 's' }, at(2)).flow;
    expect(changed).toMatchObject({ state: 'SUCCESS', policy: { password: 'VALID' } });
    expect(verified(startAuthn(start({}, { password: 'WARN' }), T0).flow).state).toBe('SUCCESS');
    const expired = verified(startAuthn(start({}, { password: 'EXPIRED' }), T0).flow);
    expect(expired.state).toBe('PASSWORD_EXPIRED');
    expect(() => authnTransition(expired, { type: 'skip', sessionTokenHash: 's' }, at(2))).toThrow(AuthnTransitionRefused);
  });

  it('never slides past the hard limit', () => {
    const flow = startAuthn(start({ maxSeconds: 400 }), T0).flow;
    expect(authnTransition(flow, { type: 'touch' }, at(250)).flow.expiresAt).toEqual(at(400));
  });
});
