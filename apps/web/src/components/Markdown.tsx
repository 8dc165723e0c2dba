import ReactMarkdown, { defaultUrlTransform, type Components } from 'react-markdown';

/**
 * A note's Markdown as React elements, never as HTML: raw HTML in the text is dropped
 * (skipHtml), link targets other than http(s), mailto, tel and relative ones are removed
 * (react-markdown's defaultUrlTransform, so no javascript: link), images are shown as their
 * alt text (no tracking pixels), and links open in a new tab without access to this one.
 */
const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ alt }) => <span>{alt}</span>,
};

export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml urlTransform={defaultUrlTransform} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
