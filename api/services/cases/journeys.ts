import type { QueryDefinition } from '@temporalio/client';
import { caroStateQuery } from '../../../workflows/caro-activation/contract.js';
import { consentStateQuery } from '../../../workflows/consent-renewal/contract.js';
import { mandateStatusQuery } from '../../../workflows/mandate/contract.js';
import type { AppDeps } from '../../deps.js';
import { notFound } from '../../errors.js';
import type { Actor } from '../../http/route.js';
import { tenantScope } from '../../http/scope.js';
import { caroHead, connectionHead, mandateHead, type CaseHead } from './head.js';

/** What the case routes shared by the three journeys (workflow view, timeline, notes) need of each. */
export interface CaseJourney {
  /** `/v1/mandates`, …: the journey's resource path. */
  basePath: string;
  /** The operationId stem: `Mandate` gives `getMandateTimeline`. */
  name: string;
  /** How a 404 names the case. */
  noun: string;
  tag: string;
  /** The workflow's status query, for the live view. */
  query: QueryDefinition<unknown>;
  /** The case as the database has it, if the actor's office may see it; otherwise 404. */
  find(deps: AppDeps, actor: Actor, id: string): Promise<CaseHead>;
}

const found = <T>(row: T | null, noun: string): T => {
  if (!row) throw notFound(noun);
  return row;
};

export const CASE_JOURNEYS: readonly CaseJourney[] = [
  {
    basePath: '/v1/mandates',
    name: 'Mandate',
    noun: 'mandate',
    tag: 'mandates',
    query: mandateStatusQuery as QueryDefinition<unknown>,
    async find(deps, actor, id) {
      const row = await deps.prisma.mandate.findFirst({
        where: { id, ...tenantScope(actor).mandate },
        include: { bankAccount: { select: { isKbcGroup: true } } },
      });
      return mandateHead(found(row, 'mandate'), deps);
    },
  },
  {
    basePath: '/v1/caro-orders',
    name: 'CaroOrder',
    noun: 'CARO order',
    tag: 'caro',
    query: caroStateQuery as QueryDefinition<unknown>,
    async find(deps, actor, id) {
      const row = await deps.prisma.caroOrder.findFirst({ where: { id, ...tenantScope(actor).caroOrder } });
      return caroHead(found(row, 'CARO order'), deps);
    },
  },
  {
    basePath: '/v1/connections',
    name: 'Connection',
    noun: 'connection',
    tag: 'connections',
    query: consentStateQuery as QueryDefinition<unknown>,
    async find(deps, actor, id) {
      const row = await deps.prisma.connection.findFirst({ where: { id, ...tenantScope(actor).connection } });
      return connectionHead(found(row, 'connection'), deps);
    },
  },
];
