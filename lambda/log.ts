/**
 * Fields every log line may carry. Never put the event's ResponseURL or any credential here:
 * the URL grants anyone who reads the logs the power to answer for the stack.
 */
export interface LogFields {
  readonly requestType?: string;
  readonly logicalResourceId?: string;
  readonly physicalResourceId?: string;
  readonly resourceType?: string;
  readonly operation?: string;
  readonly outcome?: string;
  readonly [key: string]: unknown;
}

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

/**
 * Writes one JSON object per line to standard output, which Lambda sends to CloudWatch Logs as
 * one event each, ready for CloudWatch Logs Insights.
 */
export class Logger {
  constructor(private readonly context: LogFields = {}, private readonly write: (line: string) => void = defaultWrite) {}

  public child(fields: LogFields): Logger {
    return new Logger({ ...this.context, ...fields }, this.write);
  }

  public info(message: string, fields: LogFields = {}): void {
    this.log('INFO', message, fields);
  }

  public warn(message: string, fields: LogFields = {}): void {
    this.log('WARN', message, fields);
  }

  public error(message: string, fields: LogFields = {}): void {
    this.log('ERROR', message, fields);
  }

  private log(level: LogLevel, message: string, fields: LogFields): void {
    this.write(JSON.stringify({ time: new Date().toISOString(), level, message, ...this.context, ...fields }));
  }
}

function defaultWrite(line: string): void {
  process.stdout.write(`${line}\n`);
}
