/**
 * A SaaS application that AppFabric can ingest audit logs from.
 *
 * Use one of the constants, or `IngestionApp.of(name)` for an application that AppFabric
 * supports but this library does not list yet.
 */
export class IngestionApp {
  /** Slack */
  public static readonly SLACK = new IngestionApp('SLACK');
  /** Asana */
  public static readonly ASANA = new IngestionApp('ASANA');
  /** Jira (Atlassian) */
  public static readonly JIRA = new IngestionApp('JIRA');
  /** Microsoft 365 */
  public static readonly M365 = new IngestionApp('M365');
  /** Microsoft 365 audit logs */
  public static readonly M365AUDITLOGS = new IngestionApp('M365AUDITLOGS');
  /** Zoom */
  public static readonly ZOOM = new IngestionApp('ZOOM');
  /** Zendesk */
  public static readonly ZENDESK = new IngestionApp('ZENDESK');
  /** Okta */
  public static readonly OKTA = new IngestionApp('OKTA');
  /** Google Workspace */
  public static readonly GOOGLE = new IngestionApp('GOOGLE');
  /** Dropbox */
  public static readonly DROPBOX = new IngestionApp('DROPBOX');
  /** Smartsheet */
  public static readonly SMARTSHEET = new IngestionApp('SMARTSHEET');
  /** Cisco */
  public static readonly CISCO = new IngestionApp('CISCO');

  /**
   * An application by the name AppFabric's CreateIngestion API takes (1 to 255 characters).
   *
   * @param name the application name, exactly as the AppFabric API expects it
   */
  public static of(name: string): IngestionApp {
    return new IngestionApp(name);
  }

  /** The application name sent to AppFabric. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}

/**
 * The kind of data an ingestion collects.
 */
export enum IngestionType {
  /** Audit logs: the only ingestion type AppFabric offers. */
  AUDIT_LOG = 'auditLog',
}
