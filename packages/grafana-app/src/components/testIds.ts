export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
    datasource: 'data-testid ac-datasource',
    namespace: 'data-testid ac-namespace',
    silentAfter: 'data-testid ac-silent-after',
    submit: 'data-testid ac-submit-form',
  },
  overview: {
    container: 'data-testid overview-container',
    alertCounts: 'data-testid overview-alert-counts',
    topUsers: 'data-testid overview-top-users',
    topAddresses: 'data-testid overview-top-addresses',
    firing: 'data-testid overview-firing',
    health: 'data-testid overview-health',
  },
  rulePacks: {
    container: 'data-testid rule-packs-container',
  },
};
