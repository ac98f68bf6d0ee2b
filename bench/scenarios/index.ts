import { loginScenario } from './login.js';
import { oauth2KeysScenario } from './oauth2-keys.js';
import { oauth2TokenCcScenario } from './oauth2-token-cc.js';
import { oktaAuthnScenario } from './okta-authn.js';
import { pendingScenarios } from './pending.js';
import { ssoJourneyScenario } from './sso-journey.js';
import { ssoVerifyScenario } from './sso-verify.js';
import type { LatchkeyScenario } from './types.js';
import { userScenario } from './user.js';

/** The Latchkey scenarios, in the order they run and print. Add one: a module with `run`, one line here. */
export const latchkeyScenarios: LatchkeyScenario[] = [
  loginScenario,
  ssoJourneyScenario,
  ssoVerifyScenario,
  userScenario,
  oktaAuthnScenario,
  oauth2TokenCcScenario,
  oauth2KeysScenario,
  ...pendingScenarios,
];
