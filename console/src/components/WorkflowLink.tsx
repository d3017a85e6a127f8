import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { Journey } from '../api/types';
import { useI18n } from '../i18n';

const fetchWorkflow = async (journey: Journey, id: string) => {
  const params = { params: { path: { id } } };
  switch (journey) {
    case 'mandate':
      return await unwrap(api.GET('/v1/mandates/{id}/workflow', params));
    case 'caro':
      return await unwrap(api.GET('/v1/caro-orders/{id}/workflow', params));
    case 'consent':
      return await unwrap(api.GET('/v1/connections/{id}/workflow', params));
  }
};

/** Operators and support: the case's workflow in the Temporal Web UI (when the API knows where it is), with its status. */
export function WorkflowLink({ journey, id }: { journey: Journey; id: string }) {
  const { t } = useI18n();
  const workflow = useQuery({
    queryKey: ['case', journey, id, 'workflow'],
    queryFn: () => fetchWorkflow(journey, id),
    staleTime: 30_000,
  });
  if (!workflow.data?.webUiUrl) return null;
  return (
    <span className="workflow">
      {' · '}
      <a href={workflow.data.webUiUrl} target="_blank" rel="noreferrer">
        {t('case.workflow')}
      </a>{' '}
      <span className="muted">({workflow.data.status})</span>
    </span>
  );
}
