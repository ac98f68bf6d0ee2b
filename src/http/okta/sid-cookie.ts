/** Okta's browser session cookie. */
export const SID_COOKIE = 'sid';

/** The `sid` value from a Cookie header, or null. */
export function readSidCookie(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SID_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 128 ? value : null;
    }
  }
  return null;
}

/** Set-Cookie for the session id: HttpOnly, SameSite=Lax, Path=/, Secure when the public URL is https. */
export function sidCookie(token: string, publicUrl: string): string {
  return `${SID_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${publicUrl.startsWith('https:') ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearSidCookie(publicUrl: string): string {
  return `${SID_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${publicUrl.startsWith('https:') ? '; Secure' : ''}`;
}
