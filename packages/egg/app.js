// Egg.js app boot hook of the logward plugin (runs in every worker).
import { LogwardBoot } from './boot.js';

export default class LogwardAppBoot extends LogwardBoot {
  configWillLoad() {
    const core = this.app.config.coreMiddleware;
    if (!core.includes('logward')) core.unshift('logward');
  }
}
