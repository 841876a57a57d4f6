export { AppFabricEmulator, type AppFabricEmulatorOptions, type EmulatorCall } from './server';
export { DESTINATIONS_PER_INGESTION } from './destinations';
export type { DestinationConfiguration, IngestionDestination, ProcessingConfiguration } from './destinations';
export { EmulatorError, ERROR_STATUS } from './errors';
export type {
  DelayFault, Fault, FaultInjection, FaultKind, LoseAnswerFault, ResetFault, StatusFault, ThrottleFault,
} from './faults';
export { MODEL, OPERATIONS } from './model';
export type { EmulatorRoute, OperationName, RequestInput } from './model';
export type { EmulatorCredentials } from './signature';
export type { IngestionRecord, IngestionState, Tag } from './state';
