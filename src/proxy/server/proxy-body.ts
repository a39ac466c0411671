import { ERR_MISSING_FIELD } from './api-error';
import { asArray, asObject, optionalBool, optionalString } from './decode';
import type { ProxySettings } from './proxy';
import { checkName } from './toxic-body';

/** A proxy as created by `POST /proxies`, `POST /populate` or a config file. */
export interface ProxyConfig {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  /** Defaults to true. */
  readonly enabled?: boolean;
}

const at = (path: string) => ({ struct: 'Proxy', path });

function decodeProxy(value: unknown, goType: string, where: string): Required<ProxyConfig> {
  const obj = asObject(value, goType);
  const name = optionalString(obj, 'name', at('name')) ?? '';
  const listen = optionalString(obj, 'listen', at('listen')) ?? '';
  const upstream = optionalString(obj, 'upstream', at('upstream')) ?? '';
  const enabled = optionalBool(obj, 'enabled', at('enabled')) ?? true;
  if (name === '') throw ERR_MISSING_FIELD.with(`name${where}`);
  if (upstream === '') throw ERR_MISSING_FIELD.with(`upstream${where}`);
  checkName(name);
  return { name, listen, upstream, enabled };
}

/** A `POST /proxies` body: name and upstream required, enabled defaults to true (api.go). */
export function decodeNewProxy(body: unknown): Required<ProxyConfig> {
  return decodeProxy(body, 'toxiproxy.Proxy', '');
}

/**
 * A `POST /populate` body (or config file): an array of proxies, all validated before any is
 * applied; errors name the 1-based position (`missing required field: name at proxy 2`).
 */
export function decodePopulate(body: unknown): Required<ProxyConfig>[] {
  return asArray(body, '[]toxiproxy.Proxy').map((item, i) =>
    decodeProxy(item, 'toxiproxy.Proxy', ` at proxy ${i + 1}`),
  );
}

/** A `POST|PATCH /proxies/{proxy}` body: missing fields keep their current values; name ignored. */
export function decodeProxyUpdate(body: unknown, current: ProxySettings): ProxySettings {
  const obj = asObject(body, 'toxiproxy.Proxy');
  return {
    listen: optionalString(obj, 'listen', at('listen')) ?? current.listen,
    upstream: optionalString(obj, 'upstream', at('upstream')) ?? current.upstream,
    enabled: optionalBool(obj, 'enabled', at('enabled')) ?? current.enabled,
  };
}
