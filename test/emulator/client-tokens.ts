import { EmulatorError } from './errors';

interface TokenUse {
  readonly fingerprint: string;
  readonly arn: string;
}

/** The clientTokens of one create operation: a token used again replays the resource its first call made. */
export class ClientTokens {
  private readonly uses = new Map<string, TokenUse>();

  /** The ARN the earlier call with this token made, if any; other parameters answer IdempotentParameterMismatch. */
  public replay(token: string | undefined, fingerprint: string): string | undefined {
    const previous = token ? this.uses.get(token) : undefined;
    if (previous && previous.fingerprint !== fingerprint) {
      throw new EmulatorError('ValidationException', `IdempotentParameterMismatch: clientToken `
        + `${token} was already used with different parameters`);
    }
    return previous?.arn;
  }

  public remember(token: string | undefined, fingerprint: string, arn: string): void {
    if (token) {
      this.uses.set(token, { fingerprint, arn });
    }
  }

  /** Lets the tokens of a deleted resource create a new one. */
  public forget(arn: string): void {
    for (const [token, use] of this.uses) {
      if (use.arn === arn) {
        this.uses.delete(token);
      }
    }
  }

  public clear(): void {
    this.uses.clear();
  }
}

/**
 * JSON with object keys sorted and null members left out, so that parameters sent in another key
 * order, or with a member sent as null instead of omitted, compare equal.
 */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter(([, member]) => member !== null).sort(([a], [b]) => a.localeCompare(b)))
    : v));
}
