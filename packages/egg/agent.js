// Egg.js agent boot hook of the logward plugin: the agent process has its own loggers and exporter.
import { LogwardBoot } from './boot.js';

export default class LogwardAgentBoot extends LogwardBoot {}
