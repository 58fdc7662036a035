import { EmbeddedScene, SceneAppPage, SceneReactObject } from '@grafana/scenes';
import { OverviewView } from '../components/Overview/OverviewView';
import { RulePacksView } from '../components/RulePacks/RulePacksView';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

// The pages are React views inside scenes, so they keep the scenes app layout (title, tabs, URL sync)
// while their data comes from the ruler and data source proxies rather than panel queries.
export const overviewPage = () =>
  new SceneAppPage({
    title: 'Security overview',
    subTitle: 'Alerts from the Loki ruler by pack and severity, and the health of every log source the packs read.',
    url: prefixRoute(ROUTES.Overview),
    routePath: ROUTES.Overview,
    getScene: () => new EmbeddedScene({ body: new SceneReactObject({ component: OverviewView }) }),
  });

export const rulePacksPage = () =>
  new SceneAppPage({
    title: 'Rule packs',
    subTitle: 'The bundled logward rule packs, their state in the Loki ruler, and install/update.',
    url: prefixRoute(ROUTES.RulePacks),
    routePath: ROUTES.RulePacks,
    getScene: () => new EmbeddedScene({ body: new SceneReactObject({ component: RulePacksView }) }),
  });
