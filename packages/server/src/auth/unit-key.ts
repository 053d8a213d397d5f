import { createHmac } from 'node:crypto';

/**
 * The unit key of an organization: 32 bytes, base64url, given to its members in the login and
 * refresh answers. A phone wraps its data key with it, so that any member who signs in online on
 * a shared phone can open the records sealed there while it was locked (docs/privacy.md, "At
 * rest on the phone"). Derived from the token secret, so nothing more is stored; rotating the
 * secret changes it (a phone then opens its records with a password it knows).
 */
export function unitKeyOf(secret: string, organizationId: number): string {
  return createHmac('sha256', secret).update(`wampums-unit-key:${organizationId}`).digest('base64url');
}
