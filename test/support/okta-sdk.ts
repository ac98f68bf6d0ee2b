import okta from '@okta/okta-sdk-nodejs';
import { cryptoRandom } from '../../src/core/random.js';
import { ApiTokenService } from '../../src/core/apitokens/api-token-service.js';
import type { Harness } from './harness.js';

export interface CapturedResponse {
  method: string;
  url: string;
  status: number;
  body: unknown;
}

/** An SSWS token made by the token service on the harness's own database. */
export async function createApiToken(h: Harness, name = 'test'): Promise<{ token: string; id: string; service: ApiTokenService }> {
  const service = new ApiTokenService({ store: h.latchkey.stores.apiTokens, clock: h.clock, random: cryptoRandom });
  const { token, record } = await service.create(name);
  return { token, id: record.id, service };
}

/**
 * @okta/okta-sdk-nodejs pointed at the harness, unchanged except that its request executor also
 * keeps a copy of every response (method, url, status, parsed body) for schema validation.
 */
export function oktaClient(h: Harness, token: string): { client: okta.Client; responses: CapturedResponse[]; settle(): Promise<CapturedResponse[]> } {
  delete process.env.HTTPS_PROXY;
  delete process.env.https_proxy;
  const pending: Promise<CapturedResponse>[] = [];
  class CapturingExecutor extends okta.DefaultRequestExecutor {
    override fetch(request: { method?: string; url: string }) {
      return super.fetch(request).then((response: { clone(): { text(): Promise<string> }; status: number }) => {
        pending.push(
          response
            .clone()
            .text()
            .then((text) => ({ method: request.method ?? 'GET', url: request.url, status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) })),
        );
        return response;
      });
    }
  }
  const client = new okta.Client({ orgUrl: h.baseUrl, token, cacheMiddleware: null, requestExecutor: new CapturingExecutor() } as ConstructorParameters<typeof okta.Client>[0]);
  const responses: CapturedResponse[] = [];
  return {
    client,
    responses,
    /** Every response since the last call, parsed; also appended to `responses`. */
    async settle() {
      const done = await Promise.all(pending.splice(0));
      responses.push(...done);
      return done;
    },
  };
}
