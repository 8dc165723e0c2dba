import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface CardProps {
  title: string;
  /** Links or buttons at the right of the title. */
  actions?: ReactNode;
  description?: ReactNode;
  className?: string;
  /** Move focus to the title when the card appears (a result the user just asked for). */
  focusTitle?: boolean;
  children: ReactNode;
}

/** A titled section of a screen; the title labels the region for screen readers. */
export function Card({ title, actions, description, className, focusTitle = false, children }: CardProps) {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusTitle) heading.current?.focus();
  }, [focusTitle]);
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={titleId}>
      <header className="card-header">
        <div>
          <h2 id={titleId} ref={heading} tabIndex={focusTitle ? -1 : undefined} className="card-title">
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
