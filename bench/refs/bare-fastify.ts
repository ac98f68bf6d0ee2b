import Fastify from 'fastify';
import { refPort } from './common.js';

/**
 * The HTTP ceiling: a bare Fastify 5 route at the same path, parsing the same JSON body and
 * answering the same JSON as Latchkey's /api/sso/verify, with nothing else (no logger, no hooks,
 * no schema, no token check).
 */
const PROFILE = {
  firstName: 'Bench',
  lastName: 'sso0',
  email: 'bench-sso-0@example.com',
  login: 'bench-sso-0@example.com',
};

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/api/sso/verify', async (request) => {
  const body = request.body as { token?: unknown } | undefined;
  if (typeof body?.token !== 'string') throw Object.assign(new Error('token required'), { statusCode: 400 });
  return PROFILE;
});
await app.listen({ host: '127.0.0.1', port: refPort() });
