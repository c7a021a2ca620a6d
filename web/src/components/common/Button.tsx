import type { ButtonHTMLAttributes } from 'react';

type Variant = 'default' | 'accent' | 'danger' | 'ghost';

const styles: Record<Variant, string> = {
  default: 'bg-[#262626] hover:bg-[#333] text-[var(--text-primary)] border border-[var(--border)]',
  accent: 'bg-[var(--accent)] hover:brightness-110 text-white',
  danger: 'bg-[var(--danger)] hover:brightness-110 text-white',
  ghost: 'bg-transparent hover:bg-[#262626] text-[var(--text-secondary)] border border-[var(--border)]',
};

/** A button in the theme; `small` for chart toolbars. */
export function Button({ variant = 'default', small, className = '', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; small?: boolean }) {
  const size = small ? 'px-2 py-0.5 text-xs' : 'px-3 py-1.5 text-sm';
  return (
    <button
      type="button"
      className={`rounded font-medium transition disabled:cursor-not-allowed disabled:opacity-40 ${size} ${styles[variant]} ${className}`}
      {...rest}
    />
  );
}
