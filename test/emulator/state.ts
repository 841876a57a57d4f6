import { randomUUID } from 'node:crypto';
import { ClientTokens, fingerprint } from './client-tokens';
import {
  IngestionDestinations, type DestinationConfiguration, type IngestionDestination, type IngestionDestinationRecord,
  type ProcessingConfiguration,
} from './destinations';
import { EmulatorError } from './errors';
import { paginate } from './pagination';

export type IngestionState = 'enabled' | 'disabled';

/** An ingestion as the emulator holds it; `Date`s here, serialized per the model on the wire. */
export interface IngestionRecord {
  readonly arn: string;
  readonly appBundleArn: string;
  readonly app: string;
  readonly tenantId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly state: IngestionState;
  readonly ingestionType: string;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface CreateIngestionParams {
  readonly appBundleIdentifier: string;
  readonly app: string;
  readonly tenantId: string;
  readonly ingestionType: string;
  readonly clientToken?: string;
  readonly tags?: readonly Tag[];
}

export interface CreateIngestionDestinationParams {
  readonly appBundleIdentifier: string;
  readonly ingestionIdentifier: string;
  readonly processingConfiguration: ProcessingConfiguration;
  readonly destinationConfiguration: DestinationConfiguration;
  readonly clientToken?: string;
  readonly tags?: readonly Tag[];
}

/** Settings the state consults on every call, so a test can change them between calls. */
export interface StateSettings {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  ingestionsPerBundle: number;
  requireConnectedAuthorization: boolean;
}

const MAX_TAGS = 50;

/** In-memory app bundles, ingestions, their destinations, tags and idempotency tokens, with AppFabric's rules. */
export class AppFabricState {
  private readonly bundles = new Map<string, string>();
  private readonly ingestionsByArn = new Map<string, IngestionRecord>();
  private readonly destinations = new IngestionDestinations();
  private readonly tagsByArn = new Map<string, Map<string, string>>();
  private readonly tokens = new ClientTokens();
  private readonly destinationTokens = new ClientTokens();
  private readonly connected = new Set<string>();

  constructor(private readonly settings: StateSettings) {}

  public createAppBundle(): string {
    const id = randomUUID();
    const { partition, region, accountId } = this.settings;
    const arn = `arn:${partition}:appfabric:${region}:${accountId}:appbundle/${id}`;
    this.bundles.set(id, arn);
    return arn;
  }

  public connectAuthorization(appBundleArn: string, app: string, tenantId: string): void {
    this.connected.add(authorizationKey(appBundleArn, app, tenantId));
  }

  public createIngestion(params: CreateIngestionParams): IngestionRecord {
    const appBundleArn = this.resolveBundle(params.appBundleIdentifier);
    const print = fingerprint([appBundleArn, params.app, params.tenantId, params.ingestionType, tagPairs(params.tags)]);
    const previousArn = this.tokens.replay(params.clientToken, print);
    const replayed = previousArn ? this.ingestionsByArn.get(previousArn) : undefined;
    if (replayed) {
      return replayed;
    }

    if (this.settings.requireConnectedAuthorization
      && !this.connected.has(authorizationKey(appBundleArn, params.app, params.tenantId))) {
      throw new EmulatorError('ValidationException',
        `The app authorization for app ${params.app} and tenant ${params.tenantId} is not connected`);
    }
    const inBundle = this.ingestions().filter((i) => i.appBundleArn === appBundleArn);
    const existing = inBundle.find((i) => i.app === params.app && i.tenantId === params.tenantId);
    if (existing) {
      throw new EmulatorError('ConflictException',
        `an ingestion for app ${params.app} and tenant ${params.tenantId} already exists: ${existing.arn}`);
    }
    const quota = this.settings.ingestionsPerBundle;
    if (inBundle.length >= quota) {
      throw new EmulatorError('ServiceQuotaExceededException',
        `app bundle ${appBundleArn} already has ${inBundle.length} ingestions, the quota is ${quota}`);
    }

    const now = new Date();
    const ingestion: IngestionRecord = {
      arn: `${appBundleArn}/ingestion/${randomUUID()}`,
      appBundleArn,
      app: params.app,
      tenantId: params.tenantId,
      createdAt: now,
      updatedAt: now,
      state: 'enabled',
      ingestionType: params.ingestionType,
    };
    this.ingestionsByArn.set(ingestion.arn, ingestion);
    this.tagsByArn.set(ingestion.arn, new Map((params.tags ?? []).map((t) => [t.key, t.value])));
    this.tokens.remember(params.clientToken, print, ingestion.arn);
    return ingestion;
  }

  /** One page of a bundle's ingestions, oldest first. */
  public listIngestions(appBundleIdentifier: string, maxResults?: number, nextToken?: string) {
    const appBundleArn = this.resolveBundle(appBundleIdentifier);
    const all = [...this.ingestionsByArn.values()].filter((ingestion) => ingestion.appBundleArn === appBundleArn);
    const { page, ...next } = paginate(all, maxResults, nextToken);
    return { ingestions: page.map(({ arn, app, tenantId, state }) => ({ arn, app, tenantId, state })), ...next };
  }

  public getIngestion(appBundleIdentifier: string, ingestionIdentifier: string): IngestionRecord {
    return this.resolveIngestion(appBundleIdentifier, ingestionIdentifier);
  }

  /** Start or stop; asking for the state it is already in answers Conflict (an emulator assumption). */
  public setIngestionState(bundleIdentifier: string, ingestionIdentifier: string, state: IngestionState) {
    const ingestion = this.resolveIngestion(bundleIdentifier, ingestionIdentifier);
    if (ingestion.state === state) {
      throw new EmulatorError('ConflictException', `ingestion ${ingestion.arn} is already ${state}`);
    }
    this.ingestionsByArn.set(ingestion.arn, { ...ingestion, state, updatedAt: new Date() });
  }

  /** Sets an ingestion's state directly, as a test seeding state would; no Conflict. */
  public forceIngestionState(ingestionArn: string, state: IngestionState): void {
    const ingestion = this.ingestionsByArn.get(ingestionArn);
    if (!ingestion) {
      throw new Error(`ingestion ${ingestionArn} does not exist in the emulator`);
    }
    this.ingestionsByArn.set(ingestionArn, { ...ingestion, state, updatedAt: new Date() });
  }

  /** Refuses an enabled ingestion first, then one that still has destinations. */
  public deleteIngestion(appBundleIdentifier: string, ingestionIdentifier: string): void {
    const ingestion = this.resolveIngestion(appBundleIdentifier, ingestionIdentifier);
    if (ingestion.state === 'enabled') {
      throw new EmulatorError('ConflictException',
        `ingestion must be stopped before it is deleted: ${ingestion.arn} is enabled`);
    }
    const destinations = this.destinations.of(ingestion.arn).length;
    if (destinations > 0) {
      throw new EmulatorError('ConflictException', `ingestion has ${destinations} destination`
        + `${destinations > 1 ? 's' : ''}: delete them first: ${ingestion.arn}`);
    }
    this.ingestionsByArn.delete(ingestion.arn);
    this.tagsByArn.delete(ingestion.arn);
    this.tokens.forget(ingestion.arn);
  }

  public createIngestionDestination(params: CreateIngestionDestinationParams): IngestionDestinationRecord {
    const ingestion = this.resolveIngestion(params.appBundleIdentifier, params.ingestionIdentifier);
    const print = fingerprint([
      ingestion.arn, params.processingConfiguration, params.destinationConfiguration, tagPairs(params.tags),
    ]);
    const previousArn = this.destinationTokens.replay(params.clientToken, print);
    const replayed = previousArn ? this.destinations.get(previousArn) : undefined;
    if (replayed) {
      return replayed;
    }

    const destination = this.destinations.create(
      ingestion.arn, params.processingConfiguration, params.destinationConfiguration);
    this.tagsByArn.set(destination.arn, new Map((params.tags ?? []).map((t) => [t.key, t.value])));
    this.destinationTokens.remember(params.clientToken, print, destination.arn);
    return destination;
  }

  public getIngestionDestination(
    appBundleIdentifier: string, ingestionIdentifier: string, destinationIdentifier: string,
  ): IngestionDestinationRecord {
    const ingestion = this.resolveIngestion(appBundleIdentifier, ingestionIdentifier);
    return this.destinations.resolve(ingestion.arn, destinationIdentifier);
  }

  /** One page of an ingestion's destinations, oldest first. */
  public listIngestionDestinations(
    appBundleIdentifier: string, ingestionIdentifier: string, maxResults?: number, nextToken?: string,
  ) {
    const ingestion = this.resolveIngestion(appBundleIdentifier, ingestionIdentifier);
    const { page, ...next } = paginate(this.destinations.of(ingestion.arn), maxResults, nextToken);
    return { ingestionDestinations: page.map(({ arn }) => ({ arn })), ...next };
  }

  /** Replaces where a destination delivers; how it processes stays as created. */
  public updateIngestionDestination(
    appBundleIdentifier: string, ingestionIdentifier: string, destinationIdentifier: string,
    destinationConfiguration: DestinationConfiguration,
  ): IngestionDestinationRecord {
    const destination = this.getIngestionDestination(appBundleIdentifier, ingestionIdentifier, destinationIdentifier);
    return this.destinations.update(destination.arn, destinationConfiguration);
  }

  public deleteIngestionDestination(
    appBundleIdentifier: string, ingestionIdentifier: string, destinationIdentifier: string,
  ): void {
    const destination = this.getIngestionDestination(appBundleIdentifier, ingestionIdentifier, destinationIdentifier);
    this.destinations.delete(destination.arn);
    this.tagsByArn.delete(destination.arn);
    this.destinationTokens.forget(destination.arn);
  }

  public tagResource(resourceArn: string, tags: readonly Tag[]): void {
    const current = this.resourceTags(resourceArn);
    const merged = new Map(current);
    tags.forEach((t) => merged.set(t.key, t.value));
    if (merged.size > MAX_TAGS) {
      throw new EmulatorError('ValidationException',
        `resource ${resourceArn} would have ${merged.size} tags, at most ${MAX_TAGS} are allowed`);
    }
    this.tagsByArn.set(resourceArn, merged);
  }

  public untagResource(resourceArn: string, tagKeys: readonly string[]): void {
    const current = this.resourceTags(resourceArn);
    tagKeys.forEach((key) => current.delete(key));
  }

  public listTags(resourceArn: string): Tag[] {
    return [...this.resourceTags(resourceArn)].map(([key, value]) => ({ key, value }));
  }

  public ingestions(): IngestionRecord[] {
    return [...this.ingestionsByArn.values()].map((i) => ({ ...i }));
  }

  /** The destinations of one ingestion, or of all, oldest first, as copies without timestamps. */
  public ingestionDestinations(ingestionArn?: string): IngestionDestination[] {
    return this.destinations.of(ingestionArn).map((d) => structuredClone({
      arn: d.arn,
      ingestionArn: d.ingestionArn,
      processingConfiguration: d.processingConfiguration,
      destinationConfiguration: d.destinationConfiguration,
      status: d.status,
    }));
  }

  public tagsOf(resourceArn: string): Record<string, string> {
    return Object.fromEntries(this.tagsByArn.get(resourceArn) ?? []);
  }

  /** Forgets ingestions, destinations, tags, tokens and connected authorizations; app bundles stay. */
  public reset(): void {
    this.ingestionsByArn.clear();
    this.destinations.clear();
    this.tagsByArn.clear();
    this.tokens.clear();
    this.destinationTokens.clear();
    this.connected.clear();
  }

  private resolveBundle(identifier: string): string {
    const arn = identifier.startsWith('arn:')
      ? [...this.bundles.values()].find((known) => known === identifier)
      : this.bundles.get(identifier);
    if (!arn) {
      throw new EmulatorError('ResourceNotFoundException', `app bundle ${identifier} was not found`);
    }
    return arn;
  }

  private resolveIngestion(bundleIdentifier: string, ingestionIdentifier: string): IngestionRecord {
    const appBundleArn = this.resolveBundle(bundleIdentifier);
    const arn = ingestionIdentifier.startsWith('arn:')
      ? ingestionIdentifier
      : `${appBundleArn}/ingestion/${ingestionIdentifier}`;
    const ingestion = this.ingestionsByArn.get(arn);
    if (!ingestion || ingestion.appBundleArn !== appBundleArn) {
      throw new EmulatorError('ResourceNotFoundException',
        `ingestion ${ingestionIdentifier} was not found in app bundle ${appBundleArn}`);
    }
    return ingestion;
  }

  private resourceTags(resourceArn: string): Map<string, string> {
    const isBundle = [...this.bundles.values()].includes(resourceArn);
    if (!isBundle && !this.ingestionsByArn.has(resourceArn) && !this.destinations.has(resourceArn)) {
      throw new EmulatorError('ResourceNotFoundException', `resource ${resourceArn} was not found`);
    }
    let tags = this.tagsByArn.get(resourceArn);
    if (!tags) {
      tags = new Map();
      this.tagsByArn.set(resourceArn, tags);
    }
    return tags;
  }
}

function tagPairs(tags: readonly Tag[] | undefined): string[][] {
  return [...tags ?? []].map((t) => [t.key, t.value]).sort();
}

function authorizationKey(appBundleArn: string, app: string, tenantId: string): string {
  return JSON.stringify([appBundleArn, app, tenantId]);
}
