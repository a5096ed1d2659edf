import { useNavigate, useSearchParams } from 'react-router-dom';
import { CreateIssueDialog } from '../components/CreateIssueDialog';
import { isStatus } from '../lib/issues';

/** /new?project=WEB&status=todo: the create-issue dialog as a page of its own (shareable link). */
export function NewIssuePage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const status = params.get('status') ?? '';
  return (
    <CreateIssueDialog
      initialProjectKey={params.get('project')}
      initialStatus={isStatus(status) ? status : null}
      onClose={() => {
        // back to where the user came from, or home when /new was opened directly
        const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
        if (idx > 0) navigate(-1);
        else navigate('/', { replace: true });
      }}
      onCreated={(key) => navigate(`/issues/${key}`, { replace: true })}
    />
  );
}
