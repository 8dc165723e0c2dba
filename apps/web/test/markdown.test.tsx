import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../src/components/Markdown.js';

describe('note Markdown', () => {
  it('renders formatting and safe links', () => {
    const { container } = render(<Markdown text={'Call with **Ali**\n\n- renewal\n- [agenda](https://example.com/a)'} />);
    expect(container.querySelector('strong')?.textContent).toBe('Ali');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    const link = container.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://example.com/a');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('never renders raw HTML, scripts, event handlers, javascript: links or images live', () => {
    const hostile = [
      '<script>window.pwned = 1</script>',
      '<img src=x onerror="window.pwned = 1">',
      '<a href="javascript:alert(1)">raw</a>',
      '[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)',
      '![pixel](https://tracker.example/p.gif)',
    ].join('\n\n');
    const { container } = render(<Markdown text={hostile} />);
    expect(container.querySelector('script, img, iframe, [onerror]')).toBeNull();
    const hrefs = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(hrefs.filter((h) => h && /^(javascript|data|vbscript):/i.test(h))).toEqual([]);
    // The link texts stay readable; the image keeps its alt text.
    expect(container.textContent).toContain('click');
    expect(container.textContent).toContain('pixel');
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });
});
