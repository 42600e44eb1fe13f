/**
 * Export with a progress bar; then where the package is and the hash to hand over, and a
 * way to it: "Open folder" in the desktop app, downloads of the zip and the PDF through
 * the web host.
 */
import { useEffect, useRef, useState } from 'react';
import type { ReportExportResult } from '../../../../core/api/report-types';
import { describeError, type ShownError } from '../../lib/errors';
import { saveFile } from '../../lib/save-file';
import { CopyButton } from '../../components/copy-button';
import { Button } from '../../components/button';
import { ErrorNotice } from '../../components/error-notice';
import { ProgressBar } from '../../components/progress-bar';
import { formatCount } from '../../lib/format';
import { useServices } from '../../app/services-context';
import { useReports } from './use-reports';

const PHASE_LABEL: Record<string, string> = {
  gathering: 'Gathering the sections',
  writing_data: 'Writing JSON and CSV',
  rendering_pdf: 'Rendering the PDF',
  proving: 'Writing the checkpoint and inclusion proofs',
  signing: 'Signing the manifest',
  zipping: 'Zipping the package',
  done: 'Done',
};

export function ExportPanel() {
  const { reports } = useServices();
  const exporting = useReports((s) => s.exporting);
  const progress = useReports((s) => s.progress);
  const result = useReports((s) => s.result);
  const error = useReports((s) => s.exportError);
  const preview = useReports((s) => s.preview);
  const resultRef = useRef<HTMLDivElement>(null);
  // The result is what the user came for: bring it into view when it appears.
  useEffect(() => {
    if (result) resultRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [result]);
  return (
    <section className="card report-export" aria-label="Export">
      <div className="card-header">
        <div>
          <div className="card-title">Evidence package</div>
          <div className="card-subtitle">Written to {preview ? <span className="mono">{preview.default_out}</span> : "the data folder's reports/"} as a folder and a zip. The export is itself recorded in the audit trail.</div>
        </div>
        <Button variant="primary" icon="reports" busy={exporting} onClick={() => void reports.getState().exportPackage()}>
          Export package
        </Button>
      </div>
      {exporting || (progress && !result && !error) ? (
        <div className="report-progress">
          <div className="report-progress-label">
            <span>{PHASE_LABEL[progress?.phase ?? 'gathering']}…</span>
            <span className="mono">{progress ? `${progress.percent}%` : ''}</span>
          </div>
          <ProgressBar value={progress?.percent ?? 0} max={100} label="Export progress" />
          {progress && progress.rows_total > 0 ? (
            <div className="report-progress-rows">
              {formatCount(progress.rows_written)} of {formatCount(progress.rows_total)} rows written
            </div>
          ) : null}
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {result ? (
        <div className="report-result" data-testid="report-result" ref={resultRef}>
          <div className="report-result-head">
            <div className="report-result-title">Package written and signed</div>
            <PackageActions result={result} />
          </div>
          <dl className="kv">
            <dt>Folder</dt>
            <dd className="copyable">
              <span className="mono" data-testid="report-folder">
                {result.folder}
              </span>
              <CopyButton value={result.folder} label="folder path" />
            </dd>
            <dt>Zip</dt>
            <dd className="copyable">
              <span className="mono">{result.zip}</span>
              <CopyButton value={result.zip} label="zip path" />
            </dd>
            <dt>Manifest SHA-256</dt>
            <dd className="copyable">
              <span className="mono" data-testid="report-manifest-hash">
                {result.manifest_sha256}
              </span>
              <CopyButton value={result.manifest_sha256} label="manifest hash" />
            </dd>
            <dt>Signing key</dt>
            <dd className="copyable">
              <span className="mono">{result.key_fingerprint}</span>
              <CopyButton value={result.key_fingerprint} label="signing key fingerprint" />
            </dd>
            <dt>Contents</dt>
            <dd>
              {formatCount(result.files)} files · {formatCount(result.kms_calls)} KMS calls · {formatCount(result.audit_entries)} audit entries · {formatCount(result.cited_entries)} inclusion proofs · audit entry #{result.audit_seq}
            </dd>
            <dt>Auditor checks it with</dt>
            <dd className="copyable">
              <span className="mono">keywarden report verify {result.zip.split('/').pop()} --public-key installation.pub</span>
              <CopyButton value={`keywarden report verify ${result.zip} --public-key installation.pub`} label="verify command" />
            </dd>
            <dt>Pinning the key</dt>
            <dd>
              Exit 0 only when the key is pinned with --public-key (the key file, or the fingerprint above). Without it the check exits 3: the package is valid, but only against the key it carries.
            </dd>
          </dl>
        </div>
      ) : null}
    </section>
  );
}

function PackageActions({ result }: { result: ReportExportResult }) {
  const { client } = useServices();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ShownError | null>(null);
  const run = async (what: string, action: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };
  const download = (kind: 'zip' | 'pdf') => run(kind, async () => saveFile(await client.download(`/download/report/${result.audit_seq}/${kind}`)));
  return (
    <div className="report-result-actions">
      {client.transport === 'ipc' ? (
        <Button icon="folder" busy={busy === 'open'} onClick={() => void run('open', () => client.call('report.reveal', { audit_seq: result.audit_seq, folder: result.folder }))}>
          Open folder
        </Button>
      ) : (
        <>
          <Button icon="download" busy={busy === 'zip'} onClick={() => void download('zip')}>
            Download package (.zip)
          </Button>
          <Button variant="ghost" icon="download" busy={busy === 'pdf'} onClick={() => void download('pdf')}>
            Download PDF
          </Button>
        </>
      )}
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}
