import { EmulatorError } from './errors';

/**
 * One page of `all`. Pages hold 10 by default, so that tests meet pagination with few resources;
 * the token is the offset of the next page.
 */
export function paginate<T>(all: readonly T[], maxResults = 10, nextToken?: string): { page: T[]; nextToken?: string } {
  const offset = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) {
    throw new EmulatorError('ValidationException', `nextToken ${nextToken} is not a token this emulator gave out`);
  }
  const next = offset + maxResults < all.length ? Buffer.from(String(offset + maxResults)).toString('base64url') : undefined;
  return { page: all.slice(offset, offset + maxResults), ...(next ? { nextToken: next } : {}) };
}
