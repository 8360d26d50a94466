// Caricamento: upload a batch of scans, follow a batch live, correct a document's metadata, reopen recent batches.
// Routes: #/caricamento, #/caricamento/<batchId>, #/caricamento/<batchId>/metadati/<documentId>.
import { useState } from 'preact/hooks';
import { href, navigate } from '../../router.ts';
import type { PageProps } from '../page-props.ts';
import { BatchDashboard } from './batch-dashboard.tsx';
import { MetadataForm } from './metadata-form.tsx';
import { RecentBatches } from './recent-batches.tsx';
import { UploadPicker } from './upload-picker.tsx';

export function CaricamentoPage({ path }: PageProps) {
  const [batchId, sub, documentId] = path;
  const [created, setCreated] = useState(0);
  const [notice, setNotice] = useState('');

  return (
    <div class="page">
      <h1>Caricamento</h1>
      <UploadPicker
        onUploaded={(result) => {
          setCreated((n) => n + 1);
          navigate(href('caricamento', [result.batch.id]));
        }}
      />
      {batchId && <BatchDashboard key={batchId} batchId={batchId} />}
      <p class="status-line" role="status">
        {notice}
      </p>
      {batchId && sub === 'metadati' && documentId && (
        <MetadataForm
          key={documentId}
          documentId={documentId}
          onClose={(saved) => {
            setNotice(saved ? 'Metadati salvati: il documento viene reindicizzato' : '');
            navigate(href('caricamento', [batchId]));
          }}
        />
      )}
      <RecentBatches currentId={batchId} refreshKey={created} />
    </div>
  );
}
