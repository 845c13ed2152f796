import { shown } from './shared';
import { summarise, type Formatter } from './types';

/** `{ "findings": [...] }` with flat, 1-based, end-exclusive positions; `jq '.findings[].ruleId'` works. */
export const json: Formatter = ({ findings, projects, toolVersion }) =>
  JSON.stringify(
    {
      version: 1,
      tool: { name: 'compose-netlint', version: toolVersion },
      projects,
      findings: shown(findings),
      summary: summarise(shown(findings)),
    },
    null,
    2,
  ) + '\n';
