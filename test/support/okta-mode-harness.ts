import { ManualClock } from '../../src/core/clock.js';
import { startHarness, type Harness } from './harness.js';
import { createApiToken } from './okta-sdk.js';

export interface OktaModeHarness extends Harness {
  /** The embedded Latchkey standing in for the Okta org (its /api/v1 is what okta mode calls). */
  upstream: Harness;
}

/**
 * A Latchkey in okta mode (IDENTITY_PROVIDER=okta) in front of a second, embedded Latchkey on
 * loopback acting as the Okta org, reached over its Okta-compatible /api/v1 with an SSWS token.
 * Both share one ManualClock, so advancing it moves the org's code lifetimes and throttles too.
 * `sink` is the org's SMTP sink: in okta mode the org mails the codes.
 */
export async function startOktaModeHarness(env: Record<string, string> = {}): Promise<OktaModeHarness> {
  const clock = new ManualClock(new Date());
  // The org's sign-on policy lets the password alone reach SUCCESS; Latchkey asks for the code.
  const upstream = await startHarness({ AUTHN_MFA_REQUIRED: 'false', AUTHN_PROMPT_FOR_FACTOR: 'false' }, { clock });
  const { token } = await createApiToken(upstream, 'okta-mode');
  const local = await startHarness({ IDENTITY_PROVIDER: 'okta', OKTA_ORG_URL: upstream.baseUrl, OKTA_API_TOKEN: token, ...env }, { clock });
  return {
    ...local,
    sink: upstream.sink,
    upstream,
    close: async () => {
      await local.close();
      await upstream.close();
    },
  };
}
