// The edge of Grafana the app talks to, faked for unit tests: the backend service (HTTP through
// Grafana's API and proxies) and the data source service. Everything else (the @grafana/ui components,
// scenes, the app's own code) is real. Routes answer with the shapes Grafana and Loki return.
import {
  setBackendSrv,
  setDataSourceSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type DataSourceSrv,
} from '@grafana/runtime';
import type { DataSourceInstanceSettings } from '@grafana/data';
import { Observable } from 'rxjs';

export interface RecordedRequest {
  method: string;
  url: string;
  params?: Record<string, string>;
  data?: unknown;
}

export type RouteHandler = (request: RecordedRequest) => { status: number; data: unknown };

/** Installs a fake backend that routes each request to the first handler whose pattern matches "METHOD url". */
export function installFakeBackend(routes: Array<[RegExp, RouteHandler]>): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  const fetch = (options: BackendSrvRequest) =>
    new Observable((subscriber) => {
      const request: RecordedRequest = {
        method: (options.method ?? 'GET').toUpperCase(),
        url: options.url,
        params: options.params as Record<string, string> | undefined,
        data: options.data,
      };
      requests.push(request);
      const route = routes.find(([pattern]) => pattern.test(`${request.method} ${request.url}`));
      const response = route ? route[1](request) : { status: 404, data: { message: 'no route in fake backend' } };
      if (response.status >= 400) {
        subscriber.error({ status: response.status, data: response.data, statusText: 'error' });
      } else {
        subscriber.next({
          status: response.status,
          data: response.data,
          ok: true,
          headers: new Headers(),
          url: options.url,
        } as never);
        subscriber.complete();
      }
    });
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return requests;
}

export function lokiDatasource(uid: string, name: string): DataSourceInstanceSettings {
  return {
    uid,
    name,
    type: 'loki',
    id: 1,
    access: 'proxy',
    readOnly: false,
    jsonData: {},
    meta: { id: 'loki', name: 'Loki', type: 'datasource', info: { logos: { small: '', large: '' } } },
  } as unknown as DataSourceInstanceSettings;
}

/** A data source service holding the given instances; getList honours the picker's type filter. */
export function installFakeDataSources(list: DataSourceInstanceSettings[]) {
  const srv = {
    getList: (filters: { type?: string | string[] } = {}) =>
      list.filter((ds) => !filters.type || [filters.type].flat().includes(ds.type)),
    getInstanceSettings: (ref: string | { uid?: string } | null | undefined) => {
      const uid = typeof ref === 'string' ? ref : ref?.uid;
      return list.find((ds) => ds.uid === uid || ds.name === uid);
    },
    get: async () => {
      throw new Error('no data source instances in unit tests');
    },
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  };
  setDataSourceSrv(srv as unknown as DataSourceSrv);
}
