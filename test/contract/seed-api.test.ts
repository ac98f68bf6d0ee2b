import { startHarness } from '../support/harness.js';
import { startOktaModeHarness } from '../support/okta-mode-harness.js';
import { seedApiContract } from './seed-api.contract.js';

seedApiContract('embedded', () => startHarness());
seedApiContract('okta (an embedded Latchkey as the org, over /api/v1 with SSWS)', () => startOktaModeHarness());
