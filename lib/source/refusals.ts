import { quoteValue, shorten, type Diagnostic } from './diagnostic';
import { get, isMap, isScalar, isSeq, type Entry, type MapNode } from './tree';

/**
 * Resources whose `external: {name}` compose-go's transformMaybeExternal rewrites (transform/canonical.go:
 * volumes.*, networks.*, secrets.*, configs.*).
 */
const EXTERNAL_SECTIONS = ['networks', 'volumes', 'secrets', 'configs'] as const;

/**
 * A resource of one Compose file with both `name` and a different `external.name`, which compose-go refuses per
 * file (transform/external.go transformMaybeExternal: `networks.back: name and external.name conflict; only use
 * name`; loader_test.go TestLoadVolumeInvalidExternalNameAndNameCombination). The same name in both is accepted
 * (external.name is only deprecated). Error at `external.name`, the `name` in related.
 */
export function externalNameDiagnostics(file: MapNode): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of EXTERNAL_SECTIONS) {
    const resources = get(file, section);
    if (!isMap(resources)) continue;
    for (const e of resources.entries.values()) {
      const name = get(e.value, 'name');
      const externalName = get(get(e.value, 'external'), 'name');
      if (!isScalar(name) || !isScalar(externalName) || name.value === null || String(name.value) === String(externalName.value)) continue;
      out.push({
        ruleId: 'compose-load',
        severity: 'error',
        message: `${section}.${shorten(e.key)}: name and external.name conflict; only use name. Compose refuses the project: set ${quoteValue(`name: ${String(externalName.value)}`)} and "external: true", or drop external.name`,
        span: externalName.span,
        related: [{ message: `name ${quoteValue(String(name.value))} is set here`, span: name.span }],
      });
    }
  }
  return out;
}

/**
 * A list-form `environment` entry whose name ends in whitespace (`- DEBUG = true`), which compose-go refuses when it
 * decodes the project (types/mapping.go MappingWithEquals.DecodeMapstructure: `environment variable DEBUG  is
 * declared with a trailing space`; loader/tests/environment_test.go TestEnvironmentWhitespace). The mapping form is
 * not checked by Compose. `services` are the service entries, active or not (decoding precedes profiles).
 */
export function environmentDiagnostics(services: Iterable<Entry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of services) {
    const environment = get(e.value, 'environment');
    if (!isSeq(environment)) continue;
    for (const item of environment.items) {
      if (!isScalar(item) || item.value === null) continue;
      const text = String(item.value);
      const key = text.split('=')[0];
      if (key === '' || !/\s$/u.test(key)) continue;
      const value = text.includes('=') ? text.slice(key.length + 1).trim() : '';
      out.push({
        ruleId: 'compose-load',
        severity: 'error',
        message: `environment variable ${shorten(key)} is declared with a trailing space (service ${quoteValue(e.key)}); Compose refuses the project. write ${quoteValue(`${key.trim()}=${value}`)}`,
        span: item.span,
      });
    }
  }
  return out;
}

/**
 * Two active services with one `container_name`, which `docker compose up` refuses (compose-go types/project.go
 * CheckContainerNameUnicity: `services.myservice2: container name "mycontainer" is already in use by service
 * myservice`; validate_test.go TestValidateContainerName), and the engine would refuse the second container. One error
 * per later service, at its container_name, the first one in related. Unknown (unresolved) names are skipped.
 */
export function containerNameDiagnostics(services: Iterable<Entry>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const first = new Map<string, { service: string; span: Diagnostic['span'] }>();
  for (const e of services) {
    const name = get(e.value, 'container_name');
    if (!isScalar(name) || name.value === null || name.value === '' || name.unknown) continue;
    const text = String(name.value);
    const existing = first.get(text);
    if (!existing) {
      first.set(text, { service: e.key, span: name.span });
      continue;
    }
    out.push({
      ruleId: 'compose-load',
      severity: 'error',
      message: `services.${shorten(e.key)}: container name ${quoteValue(text)} is already in use by service ${shorten(existing.service)}; Compose refuses the project (and the engine the second container). give ${quoteValue(e.key)} another container_name, or remove it`,
      span: name.span,
      related: [{ message: `container_name ${quoteValue(text)} of ${quoteValue(existing.service)}`, span: existing.span }],
    });
  }
  return out;
}
