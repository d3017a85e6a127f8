import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';

/**
 * The page's heading, also the document's title; it takes the focus when the page opens so that a
 * screen reader announces where a link led (a single-page app does not reload).
 */
export function PageTitle({ children }: { children: string }) {
  const { t } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · ${t('app.title')}`;
  }, [children, t]);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}
