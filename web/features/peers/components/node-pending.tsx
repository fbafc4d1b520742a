import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../ui/errors';
import type { NodeState } from '../../../app/session';
import '../i18n';

/**
 * While this node's identity (GET /api/node) is not there yet: its error with a retry
 * button, or a loading line. Null once it has arrived.
 */
export function NodePending({ node }: { node: NodeState }) {
  const { t } = useTranslation();
  if (node.node) return null;
  if (node.error) {
    return (
      <>
        <ErrorAlert error={node.error} />
        <button type="button" onClick={node.reload}>
          {t('app.retry')}
        </button>
      </>
    );
  }
  return <p role="status">{t('common.loading')}</p>;
}
