import type { Link, Located, Service } from './types';

/** What follows `<ALIAS>_` in a variable a legacy link sets (moby daemon/links/links.go `Link.ToEnv`). */
const SUFFIX = /^(?:NAME|PORT(?:_\d+_(?:TCP|UDP|SCTP)(?:_ADDR|_PORT|_PROTO|_START|_END|_PORT_START|_PORT_END)?)?|ENV_\w+)$/;

/** `$NAME` or `${NAME`: a variable the container's shell or program expands (Compose turned `$$` into `$`). */
const VARIABLE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/** One reference, in a service's own values, to a variable a legacy link would set. */
export interface LinkVariableUse {
  /** the variable, as written (`DB_PORT_5432_TCP_ADDR`) */
  variable: string;
  link: Link;
  /** the value it is in: an `environment` value, a `command` or `healthcheck` item */
  at: Located<string>;
}

/**
 * The references of a service to variables its `links` would set: for a link aliased `db`, `DB_NAME`, `DB_PORT`,
 * `DB_PORT_5432_TCP[_ADDR|_PORT|_PROTO|…]` and `DB_ENV_*` (the alias upper-cased, `-` as `_`; moby
 * daemon/links/links.go). Docker sets them only when both containers are on the default bridge, and from 29.0 not
 * at all (fact `legacy-link-env`). Values that Compose left unknown are skipped. Linear in the values' length.
 */
export function linkVariableUses(service: Service): LinkVariableUse[] {
  if (service.links.length === 0) return [];
  const byPrefix = new Map<string, Link>();
  for (const link of service.links) byPrefix.set(link.alias.toUpperCase().replace(/-/g, '_'), link);
  const longest = Math.max(...[...byPrefix.keys()].map((p) => p.length));
  const values = [...service.environment.flatMap((e) => (e.value ? [e.value] : [])), ...service.command, ...service.healthcheck].filter((v) => !v.unknown);
  const out: LinkVariableUse[] = [];
  for (const at of values) {
    for (const match of at.value.matchAll(VARIABLE)) {
      const name = match[1];
      // try each "_" within the longest alias as the end of the alias: a bounded number of map lookups
      for (let i = name.indexOf('_'); i !== -1 && i <= longest; i = name.indexOf('_', i + 1)) {
        const link = byPrefix.get(name.slice(0, i));
        if (link && SUFFIX.test(name.slice(i + 1))) {
          out.push({ variable: name, link, at });
          break;
        }
      }
    }
  }
  return out;
}
