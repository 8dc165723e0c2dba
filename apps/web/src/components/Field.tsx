import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  label: string;
  hint?: string;
  /** Messages for this field, e.g. error.data.fieldErrors[name]. */
  errors?: string[];
  className?: string;
  /** Renders the control with its id and ARIA wiring. */
  control: (aria: { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined }) => ReactNode;
}

/** Label, control, hint and errors, with the hint and errors wired to aria-describedby. */
function FieldFrame({ label, hint, errors, className, control }: FieldFrameProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {control({
        id,
        'aria-invalid': errorId ? true : undefined,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
      })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {errorId && (
        <ul id={errorId} className="field-errors">
          {errors?.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface FieldBase {
  label: string;
  name: string;
  hint?: string;
  errors?: string[];
  /** Class of the wrapper, e.g. to size it in a grid. */
  fieldClassName?: string;
}

export type FieldProps = FieldBase & Omit<InputHTMLAttributes<HTMLInputElement>, 'id'>;

/** A labelled text input with its hint and errors wired to aria-describedby. */
export function Field({ label, hint, errors, fieldClassName, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} hint={hint} errors={errors} className={fieldClassName} control={(aria) => <input className="input" {...aria} {...input} />} />
  );
}

export type SelectFieldProps = FieldBase & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'>;

export function SelectField({ label, hint, errors, fieldClassName, children, ...select }: SelectFieldProps) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      errors={errors}
      className={fieldClassName}
      control={(aria) => (
        <select className="input select" {...aria} {...select}>
          {children}
        </select>
      )}
    />
  );
}

export type TextAreaFieldProps = FieldBase & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>;

export function TextAreaField({ label, hint, errors, fieldClassName, ...textarea }: TextAreaFieldProps) {
  return (
    <FieldFrame
      label={label}
      hint={hint}
      errors={errors}
      className={fieldClassName}
      control={(aria) => <textarea className="input textarea" rows={3} {...aria} {...textarea} />}
    />
  );
}

/** The form-level message above a form's fields. */
/** Several messages about a form or one of its sections as a whole; `alert` announces them when they appear. */
export function FormErrors({ messages, alert = false }: { messages: string[] | undefined; alert?: boolean }) {
  if (!messages?.length) return null;
  return (
    <ul className="form-error field-errors-block" role={alert ? 'alert' : undefined}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
