import pluginJson from './plugin.json';

export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

export const ROUTES = {
  Overview: 'overview',
  RulePacks: 'rule-packs',
} as const;
