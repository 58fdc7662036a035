// The plugin's middleware: logwardKoa with app.config.logward. app.js puts it first in coreMiddleware,
// so every other middleware and controller runs inside the request context.
import { logwardKoa } from '@logward/egg';

export default (options) => logwardKoa(options);
