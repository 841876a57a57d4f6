import { randomUUID } from 'node:crypto';
import { EmulatorError } from './errors';

/** How AppFabric shapes an ingestion's audit logs: `ocsf` or `raw` schema, `json` or `parquet` format. */
export interface ProcessingConfiguration {
  readonly auditLog: { readonly schema: string; readonly format: string };
}

/** Where an ingestion delivers: exactly one of an S3 bucket or a Firehose stream. */
export interface DestinationConfiguration {
  readonly auditLog: {
    readonly destination: {
      readonly s3Bucket?: { readonly bucketName: string; readonly prefix?: string };
      readonly firehoseStream?: { readonly streamName: string };
    };
  };
}

/** An ingestion destination as tests see it. */
export interface IngestionDestination {
  readonly arn: string;
  readonly ingestionArn: string;
  readonly processingConfiguration: ProcessingConfiguration;
  readonly destinationConfiguration: DestinationConfiguration;
  readonly status: string;
}

/** An ingestion destination as the emulator holds it; `Date`s here, serialized per the model on the wire. */
export interface IngestionDestinationRecord extends IngestionDestination {
  readonly statusReason?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** How many destinations an ingestion may have; CreateIngestionDestination past it answers ServiceQuotaExceededException. */
export const DESTINATIONS_PER_INGESTION = 5;

/** The destinations of all ingestions; the caller has resolved the ingestion they belong to. */
export class IngestionDestinations {
  private readonly byArn = new Map<string, IngestionDestinationRecord>();

  public has(arn: string): boolean {
    return this.byArn.has(arn);
  }

  public get(arn: string): IngestionDestinationRecord | undefined {
    return this.byArn.get(arn);
  }

  /** The destinations of one ingestion, or of all, oldest first. */
  public of(ingestionArn?: string): IngestionDestinationRecord[] {
    return [...this.byArn.values()].filter((d) => ingestionArn === undefined || d.ingestionArn === ingestionArn);
  }

  public create(
    ingestionArn: string, processing: ProcessingConfiguration, destination: DestinationConfiguration,
  ): IngestionDestinationRecord {
    const count = this.of(ingestionArn).length;
    if (count >= DESTINATIONS_PER_INGESTION) {
      throw new EmulatorError('ServiceQuotaExceededException', `ingestion ${ingestionArn} already has ${count} `
        + `destinations, the quota is ${DESTINATIONS_PER_INGESTION}`);
    }
    const now = new Date();
    const record: IngestionDestinationRecord = {
      arn: `${ingestionArn}/ingestiondestination/${randomUUID()}`,
      ingestionArn,
      processingConfiguration: withoutNulls(processing),
      destinationConfiguration: withoutNulls(destination),
      status: 'Active',
      createdAt: now,
      updatedAt: now,
    };
    this.byArn.set(record.arn, record);
    return record;
  }

  /** Finds a destination of the ingestion by ARN or UUID; one of another ingestion is not found. */
  public resolve(ingestionArn: string, identifier: string): IngestionDestinationRecord {
    const arn = identifier.startsWith('arn:') ? identifier : `${ingestionArn}/ingestiondestination/${identifier}`;
    const destination = this.byArn.get(arn);
    if (!destination || destination.ingestionArn !== ingestionArn) {
      throw new EmulatorError('ResourceNotFoundException',
        `ingestion destination ${identifier} was not found in ingestion ${ingestionArn}`);
    }
    return destination;
  }

  public update(arn: string, destination: DestinationConfiguration): IngestionDestinationRecord {
    const current = this.byArn.get(arn);
    if (!current) {
      throw new Error(`ingestion destination ${arn} does not exist in the emulator`);
    }
    const updated = { ...current, destinationConfiguration: withoutNulls(destination), updatedAt: new Date() };
    this.byArn.set(arn, updated);
    return updated;
  }

  public delete(arn: string): void {
    this.byArn.delete(arn);
  }

  public clear(): void {
    this.byArn.clear();
  }
}

/** A deep copy without the null members JSON allows and AppFabric reads as absent. */
export function withoutNulls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (v === null ? undefined : v))) as T;
}
