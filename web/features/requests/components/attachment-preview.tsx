import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../ui/errors';
import '../i18n';

/** Images shown inline (as data: URLs, which the node's CSP allows; never SVG, which runs script). */
const IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const TEXT_NAME = /\.(txt|csv|log|json|xml|md|eml)$/i;
/** What a text preview shows at most; the download has the rest. */
const TEXT_CHARS = 200_000;

type Kind = 'image' | 'pdf' | 'text';

function kindOf(mediaType: string, name: string): Kind | null {
  const type = mediaType.toLowerCase().split(';')[0]?.trim() ?? '';
  if (IMAGES.has(type)) return 'image';
  if (type === 'application/pdf' || /\.pdf$/i.test(name)) return 'pdf';
  if (type.startsWith('text/') || type === 'application/json' || TEXT_NAME.test(name))
    return 'text';
  return null;
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(blob);
  });
}

/**
 * A look at an attachment without downloading it: an image inline, a text file's first
 * 200,000 characters, a PDF in the browser's own viewer (a new tab). The bytes are read
 * with the user's session, as the download is.
 */
export function AttachmentPreview({
  url,
  name,
  mediaType,
}: {
  url: string;
  name: string;
  mediaType: string;
}) {
  const { t } = useTranslation();
  const kind = kindOf(mediaType, name);
  const [shown, setShown] = useState<{ image?: string; text?: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!kind) return null;

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(t('requests.preview.failed', { status: response.status }));
      const blob = await response.blob();
      if (kind === 'pdf') {
        const link = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
        window.open(link, '_blank', 'noopener');
        setTimeout(() => URL.revokeObjectURL(link), 60_000);
      } else if (kind === 'image') {
        setShown({ image: await dataUrl(new Blob([blob], { type: mediaType })) });
      } else {
        setShown({ text: (await blob.text()).slice(0, TEXT_CHARS) });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="attachment-preview">
      {shown ? (
        <button type="button" className="button-link" onClick={() => setShown(null)}>
          {t('requests.preview.hide')}
        </button>
      ) : (
        <button type="button" className="button-link" disabled={busy} onClick={() => void open()}>
          {kind === 'pdf' ? t('requests.preview.openPdf') : t('requests.preview.show')}
        </button>
      )}
      {error ? <ErrorAlert error={error} /> : null}
      {shown?.image ? (
        <img
          className="preview-image"
          src={shown.image}
          alt={t('requests.preview.alt', { name })}
        />
      ) : null}
      {shown?.text !== undefined ? (
        <pre className="preview-text" tabIndex={0} aria-label={t('requests.preview.alt', { name })}>
          {shown.text}
        </pre>
      ) : null}
    </div>
  );
}
