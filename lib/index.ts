export * from './ingestion';
export * from './ingestion-app';
export * from './ingestion-destination';
