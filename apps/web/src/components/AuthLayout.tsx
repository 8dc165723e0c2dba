import { useEffect, type ReactNode } from 'react';

/** The centred card of the signed-out screens. */
export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Pulse`;
  }, [title]);
  return (
    <main className="auth">
      <div className="auth-card">
        <p className="brand brand-large" aria-hidden="true">
          <span className="brand-mark" />
          Pulse
        </p>
        <h1 className="auth-title">{title}</h1>
        {children}
      </div>
      <p className="auth-footer">{footer}</p>
    </main>
  );
}
