import { SignJWT, jwtVerify } from 'jose';
import { createHmac, timingSafeEqual, createSecretKey } from 'node:crypto';
const secret = new Uint8Array(Buffer.from('x'.repeat(43)));
const token = await new SignJWT({ firstName: 'A', lastName: 'B', email: 'a@example.com', login: 'a@example.com' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('00u1').setIssuer('http://x').setIssuedAt().setExpirationTime('10h').setJti('abc').sign(secret);
const cryptoKey = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const keyObject = createSecretKey(secret);
const opts = { algorithms: ['HS256'], issuer: 'http://x', requiredClaims: ['sub', 'exp', 'iat'] };
function manual(t) {
  const [h, p, s] = t.split('.');
  const mac = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const sig = Buffer.from(s, 'base64url');
  if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) throw new Error('bad');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()); if (header.alg !== 'HS256') throw new Error('alg');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (payload.iss !== 'http://x' || payload.exp * 1000 < Date.now()) throw new Error('claims');
  return payload;
}
async function bench(label, fn, concurrency = 16) {
  const n = 20000; let done = 0; const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (done < n) { done++; await fn(); } }));
  console.log(label.padEnd(34), Math.round(n / ((performance.now() - t) / 1000)), 'verifies/s');
}
for (let r = 0; r < 2; r++) {
  await bench('jose, Uint8Array secret (today)', () => jwtVerify(token, secret, opts));
  await bench('jose, CryptoKey imported once', () => jwtVerify(token, cryptoKey, opts));
  await bench('jose, KeyObject', () => jwtVerify(token, keyObject, opts));
  await bench('node:crypto createHmac (sync)', async () => manual(token));
}
