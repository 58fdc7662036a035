// The OTLP gateway of `logward gateway`, usable programmatically too.
export { startGateway, type Gateway, type GatewayOptions, type GatewayStats } from './server.ts';
export {
  createRecordPipeline,
  type GatewayProcessingConfig,
  type ProcessResult,
  type RecordPipeline,
} from './pipeline.ts';
export { encodeReusingRecords, indexLogRecords } from './splice-encode.ts';
export {
  loadGatewayConfig,
  parseGatewayConfig,
  GatewayConfigError,
  gatewayConfigSchema,
} from './config-file.ts';
export { LokiForwarder, type ForwarderOptions, type ForwardResult } from './forwarder.ts';
export { decodeLogsRequest, encodeLogsRequest, encodingOf, OtlpDecodeError } from './otlp-codec.ts';
