import type { Severity } from '../engine/finding';
import type { FixSafety } from '../engine/fix';
import { docsUrl, type Category, type Precision } from '../engine/rule';
import { RESERVED_IDS, type ReservedId } from '../source/diagnostic';
import { repositoryUrl } from '../util/package';
import { rules } from '../../rules';

export const HOMEPAGE = repositoryUrl();

/** What a report says about a rule: the registered rules' metadata, and the ids the loader and configuration report under. */
export interface RuleInfo {
  id: string;
  description: string;
  severity: Severity;
  category: Category;
  helpUri: string;
  /** SARIF precision (default very-high: see RuleDefinition.precision) */
  precision: Precision;
  /** security rules: GitHub's security-severity score (see RuleDefinition.securitySeverity) */
  securitySeverity?: number;
  /** fixable rules: what their fix does */
  fix?: FixSafety;
  /** the modes the rule applies to (default both) */
  modes?: readonly string[];
}

const RESERVED: Record<ReservedId, Omit<RuleInfo, 'id' | 'precision'>> = {
  'ambiguous-mode': {
    severity: 'info',
    category: 'correctness',
    helpUri: docsUrl('ambiguous-mode'),
    description: 'Report a project whose file name says Compose while it uses what only Swarm acts on, so --mode auto had to choose',
  },
  'compose-load': {
    severity: 'error',
    category: 'correctness',
    helpUri: docsUrl('compose-load'),
    description:
      'Report what stops Compose from loading the project: unset required variables, missing include, extends or env_file targets, extends cycles, dependencies on undefined services, dependency cycles, a container_name used twice, an environment name with a trailing space, name and external.name in conflict, an empty file',
  },
  'compose-schema': { severity: 'error', category: 'correctness', helpUri: docsUrl('compose-schema'), description: 'Report what the official Compose schema rejects in the merged project' },
  'config-error': { severity: 'error', category: 'correctness', helpUri: docsUrl('config-error'), description: 'Report mistakes in the configuration file and in inline suppression comments' },
  'yaml-syntax': { severity: 'error', category: 'correctness', helpUri: docsUrl('yaml-syntax'), description: 'Report YAML that does not parse, duplicate keys and alias bombs' },
};

/** Findings that are not rules' own (RESERVED_IDS); the README's Output section describes them. */
export const RESERVED_RULES: readonly RuleInfo[] = RESERVED_IDS.map((id) => ({ id, ...RESERVED[id], precision: 'very-high' }));

/** Every id a finding can carry, sorted by id. */
export const RULE_CATALOG: readonly RuleInfo[] = [
  ...RESERVED_RULES,
  ...rules.map((r) => ({
    id: r.id,
    description: r.description,
    severity: r.severity,
    category: r.category,
    helpUri: docsUrl(r.id),
    precision: r.precision ?? 'very-high',
    ...(r.securitySeverity !== undefined ? { securitySeverity: r.securitySeverity } : {}),
    ...(r.fix ? { fix: r.fix } : {}),
    ...(r.modes ? { modes: r.modes } : {}),
  })),
].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
