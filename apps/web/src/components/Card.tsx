import { useId, type ReactNode } from 'react';

export interface CardProps {
  title: string;
  /** Links or buttons at the right of the title. */
  actions?: ReactNode;
  description?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled section of a screen; the title labels the region for screen readers. */
export function Card({ title, actions, description, className, children }: CardProps) {
  const titleId = useId();
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={titleId}>
      <header className="card-header">
        <div>
          <h2 id={titleId} className="card-title">
            {title}
          </h2>
          {description && <p className="card-description">{description}</p>}
        </div>
        {actions && <div className="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
